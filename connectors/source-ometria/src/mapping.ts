// Daasity's Ometria tables: source field -> column, and the sync keys. __sync_key is the lowercase
// hex MD5 of the listed values concatenated as strings, source_id first ('' when unset), timestamps
// exactly as the API sent them.
import { hash } from 'node:crypto';
import { toIsoUtc, type JsonObject, type JsonValue } from '@conkit/base';
import type { Config } from './config.js';

export const md5 = (...parts: (JsonValue | undefined)[]): string => {
  let text = '';
  for (const p of parts) if (p !== null && p !== undefined) text += String(p);
  return hash('md5', text, 'hex');
};

const str = (v: JsonValue | undefined): string | null => (v === undefined || v === null ? null : String(v));
/** An export cell: CSV has no null, so an empty cell is one (JSON-lines files may send "" or null). */
const cell = (v: JsonValue | undefined): string | null =>
  v === undefined || v === null || v === '' ? null : String(v);
const obj = (v: JsonValue | undefined): JsonObject => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});

// Every table ends with _account_id, __source_id, __sync_key and __synced_at, written out in each
// literal: a spread of a shared object costs a runtime copy per record.
// `updatedAt` is the run's update-since bound, already ISO UTC (sinceOf): the same for every row,
// so it is not converted per row.
export function profile(p: JsonObject, config: Config, updatedAt: string, syncedAt: string): JsonObject {
  const props = obj(p.properties);
  const dates = obj(p.dates);
  return {
    profile_id: str(p.id),
    email: str(p.email),
    phone_number: str(p.phone_number),
    customer_id: str(p.customer_id),
    customer_name: str(p.name),
    last_name: str(p.lastname),
    first_name: str(p.firstname),
    gender: str(p.gender),
    country: str(p.country),
    marketing_optin: str(p.marketing_optin),
    timezone: str(p.timezone),
    date_of_birth: str(p.date_of_birth),
    seen: typeof p.seen === 'boolean' ? p.seen : null,
    lifecycle_status: str(p.lifecycle_status),
    is_email_valid: typeof p.is_email_valid === 'boolean' ? p.is_email_valid : null,
    zipcode: str(props.zip),
    city: str(props.city),
    address1: str(props.address1),
    address2: str(props.address2),
    state: str(props.province),
    shopify_tags: str(props.shopify_tags),
    account_created_date: toIsoUtc(dates.account_created),
    updated_at: updatedAt,
    marketing_optin_date: toIsoUtc(dates.marketing_optin),
    marketing_optout_date: toIsoUtc(dates.marketing_optout),
    _account_id: config.account_id ?? null,
    __source_id: config.source_id ?? null,
    __sync_key: md5(config.source_id, p.id),
    __synced_at: syncedAt,
  };
}

export function list(l: JsonObject, config: Config, syncedAt: string): JsonObject {
  return {
    list_id: str(l.id),
    list_title: str(l.title),
    list_description: str(l.description),
    list_status: str(l.status),
    list_type: str(l.type),
    created_at: toIsoUtc(l.timestamp_created),
    updated_at: toIsoUtc(l.timestamp_stats_updated),
    _account_id: config.account_id ?? null,
    __source_id: config.source_id ?? null,
    __sync_key: md5(config.source_id, l.id),
    __synced_at: syncedAt,
  };
}

// The list is the one asked about (the path's id): whether a change row carries its own id is undocumented.
export function memberList(c: JsonObject, listId: string, config: Config, syncedAt: string): JsonObject {
  const key = md5(config.source_id, listId, c.profile_id, c.timestamp);
  return {
    member_list_id: key,
    list_id: listId,
    profile_id: str(c.profile_id),
    event_at: toIsoUtc(c.timestamp),
    event: str(c.event),
    _account_id: config.account_id ?? null,
    __source_id: config.source_id ?? null,
    __sync_key: key,
    __synced_at: syncedAt,
  };
}

export function unsubscribe(u: JsonObject, config: Config, syncedAt: string): JsonObject {
  const key = md5(config.source_id, u.profile_id, u.timestamp);
  return {
    unsubscribe_id: key,
    profile_id: str(u.profile_id),
    email_address: str(u.email_address),
    event_at: toIsoUtc(u.timestamp),
    send_id: str(u.send_id),
    mass_campaign_id: str(u.mass_campaign_id),
    trigger_campaign_id: str(u.trigger_campaign_id),
    unsubscribe_reason: str(u.reason),
    unsubscribe_reason_text: str(u.reason_text),
    _account_id: config.account_id ?? null,
    __source_id: config.source_id ?? null,
    __sync_key: key,
    __synced_at: syncedAt,
  };
}

export function emailEvent(e: JsonObject, config: Config, syncedAt: string): JsonObject {
  const key = md5(config.source_id, e.to_address, e.event_type, e.dt_occurred);
  return {
    email_event_id: key,
    event_id: cell(e.event_id),
    send_id: cell(e.uuid),
    to_address: cell(e.to_address),
    event_type: cell(e.event_type),
    event_at: toIsoUtc(e.dt_occurred),
    bounce_class: cell(e.bounce_class),
    bounce_reason: cell(e.reason),
    device_type: cell(e.device_type),
    geo_country: cell(e.geo_country),
    geo_region: cell(e.geo_region),
    geo_timezone: cell(e.geo_timezone),
    target_url: cell(e.target_url),
    campaign_title: cell(e.campaign_title),
    campaign_type: cell(e.campaign_type),
    _account_id: config.account_id ?? null,
    __source_id: config.source_id ?? null,
    __sync_key: key,
    __synced_at: syncedAt,
  };
}
