// The Wootric tests' preamble: the acceptance config (acceptance-tests/source-wootric.yaml) with the
// test's own client secret (so a test can look for it in the output), the fixtures served.
import { connectorHarness, type ConnectorHarness, type ConnectorHarnessOptions } from '@conkit/acceptance-tests';

export const wootricHarness = (secret: string, o: Partial<ConnectorHarnessOptions> = {}): Promise<ConnectorHarness> =>
  connectorHarness({ connector: 'source-wootric', configWith: { client_secret: secret }, fixtures: true, ...o });
