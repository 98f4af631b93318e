// Daasity's mapping, with sync keys recomputed by hand: each expected hash below was computed
// outside this code with `echo -n '<concatenation>' | md5sum`.
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '@conkit/base';
import { emailEvent, list, memberList, profile, unsubscribe } from '../src/mapping.js';

const config = { api_key: 'k', base_url: 'x', source_id: 'ometria-main', account_id: 'acct-42' };
const at = '2024-05-01T00:00:00.000Z';
/** An email event to customer0@example.com at 2024-03-01 08:00:00, with these fields. */
const sentTo0 = (fields: JsonObject) =>
  emailEvent({ to_address: 'customer0@example.com', dt_occurred: '2024-03-01 08:00:00', ...fields }, config);

describe('sync keys', () => {
  it('profiles and lists: md5(source_id + id)', () => {
    expect(profile({ id: 'prof_1000' }, config, { updated_at: '2024-01-01T00:00:00.000Z' }).__sync_key).toBe(
      'ba8d996a7e0eae4cb203d21c534e42ef',
    );
    expect(list({ id: '101' }, config).__sync_key).toBe('ae3af84b33067c1492fc9125e8990439');
    // source_id unset counts as the empty string: md5('prof_1000')
    expect(
      profile({ id: 'prof_1000' }, { ...config, source_id: undefined }, { updated_at: '2024-01-01T00:00:00.000Z' })
        .__sync_key,
    ).toBe('10069798029d151164a137bd4fcde538');
  });
  it('unsubscribes: md5(source_id + profile_id + timestamp as sent, in the documented "2017-05-17 22:08:07+00" form)', () => {
    // echo -n 'ometria-main19e53-b37265-1602017-05-17 22:08:07+00' | md5sum
    const doc = unsubscribe(
      {
        email_address: 'email@example.com',
        profile_id: '19e53-b37265-160',
        reason: null,
        timestamp: '2017-05-17 22:08:07+00',
        type: 'preferences_centre',
      },
      config,
    );
    expect(doc).toMatchObject({
      __sync_key: 'e05f0feee16dc9f48eafcc8fff1db69c',
      event_at: '2017-05-17T22:08:07.000Z',
      email_address: 'email@example.com',
      unsubscribe_reason: null,
    });
    const u = unsubscribe({ profile_id: 'prof_1000', timestamp: '2024-03-01T09:00:00+00:00' }, config);
    expect(u.__sync_key).toBe('e26ec09c0861a322cf02a1b7b5c2dbbf');
    expect(u.unsubscribe_id).toBe(u.__sync_key);
    expect(u.event_at).toBe('2024-03-01T09:00:00.000Z');
  });
  it('member_lists: md5(source_id + list id + profile_id + timestamp), the list id from the path', () => {
    const m = memberList(
      { id: 'evt-9', profile_id: 'prof_1000', timestamp: '2024-03-01T09:00:00+00:00', event: 'list_enter' },
      config,
      { list_id: '101' },
    );
    expect(m.member_list_id).toBe('1f2e1af9e9f52b251386b0ec34efd232');
    expect(m).toMatchObject({ list_id: '101', event: 'list_enter', __sync_key: m.member_list_id });
  });
  it('email_events: md5(source_id + to_address + event_type + dt_occurred)', () => {
    const e = sentTo0({ event_type: 'send', uuid: 'send-9000', reason: 'x' });
    expect(e.__sync_key).toBe('cfc2d3e5ae93ab57393ac205cdfa7658');
    expect(e).toMatchObject({ send_id: 'send-9000', bounce_reason: 'x', event_at: '2024-03-01T08:00:00.000Z' });
  });
  it('email_events: an empty export cell is null, not an empty string (CSV has no null)', () => {
    const e = sentTo0({ event_type: 'open', bounce_class: '', reason: '', target_url: '', geo_region: 'Region' });
    expect(e).toMatchObject({ bounce_class: null, bounce_reason: null, target_url: null, geo_region: 'Region' });
  });
});

describe('columns', () => {
  it('profiles: the top-level email of the documented example (Daasity email -> email)', () => {
    expect(
      profile(
        {
          id: '2695-c473e2-4aaf58',
          email: 'bob22@example.com',
          identities: [{ id: 'bob22@example.com', type: 'email' }],
        },
        config,
        { updated_at: at },
      ),
    ).toMatchObject({ profile_id: '2695-c473e2-4aaf58', email: 'bob22@example.com' });
    expect(profile({ id: 'p2' }, config, { updated_at: at }).email).toBeNull();
  });
  it('maps profiles as Daasity names them', () => {
    const names = { id: 'p1', name: 'A B', firstname: 'A', lastname: 'B' };
    const properties = { zip: 'Z1', city: 'C', address1: 'L1', address2: 'L2', province: 'P', shopify_tags: 't' };
    const dates = {
      account_created: '2023-01-26T09:00:00+00:00',
      marketing_optin: null,
      marketing_optout: '2024-02-29T09:00:00+00:00',
    };
    const before = new Date().toISOString();
    const p = profile({ ...names, properties, dates }, config, { updated_at: '2024-01-01T00:00:00.000Z' });
    expect(p).toMatchObject({
      profile_id: 'p1',
      customer_name: 'A B',
      first_name: 'A',
      last_name: 'B',
      zipcode: 'Z1',
      city: 'C',
      address1: 'L1',
      address2: 'L2',
      state: 'P',
      shopify_tags: 't',
      account_created_date: '2023-01-26T09:00:00.000Z',
      marketing_optin_date: null,
      marketing_optout_date: '2024-02-29T09:00:00.000Z',
      updated_at: '2024-01-01T00:00:00.000Z',
      _account_id: 'acct-42',
      __source_id: 'ometria-main',
    });
    // read now, as ISO UTC
    expect(p.__synced_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(String(p.__synced_at) >= before && String(p.__synced_at) <= new Date().toISOString()).toBe(true);
  });
});
