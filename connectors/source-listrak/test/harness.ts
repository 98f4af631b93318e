// The Listrak tests' preamble: the acceptance config (acceptance-tests/source-listrak.yaml) with the
// test's own password (so a test can look for it in the output), the fixtures served, a full refresh.
import { connectorHarness, type ConnectorHarness, type ConnectorHarnessOptions } from '@conkit/acceptance-tests';

export const listrakHarness = (password: string, o: Partial<ConnectorHarnessOptions> = {}): Promise<ConnectorHarness> =>
  connectorHarness({
    connector: 'source-listrak',
    configWith: { password },
    fixtures: true,
    mode: 'full_refresh',
    ...o,
  });
