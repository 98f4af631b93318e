import { fileURLToPath } from 'node:url';
import { defineSource } from '@conkit/base';
import { errorElement, soapClientOf, xmlEscape } from '@conkit/base/soap';
import spec from './spec.json' with { type: 'json' };
import type { Config } from './config.js';
import { isLoginFault } from './listrak.js';
import lists from './streams/lists.js';
import messages from './streams/messages.js';
import messageReports from './streams/message_reports.js';
import subscribedContacts from './streams/subscribed_contacts.js';

const NS = 'http://webservices.listrak.com/v31/';

export default defineSource<Config>({
  name: 'source-listrak',
  version: '0.1.0',
  spec,
  // the shipped WSDL (never downloaded), the WSUser header on every call (WIRE.md)
  soap: soapClientOf((config) => ({
    wsdl: fileURLToPath(new URL('./wsdl/IntegrationService.wsdl', import.meta.url)),
    endpoint: config.endpoint,
    endpointField: { field: 'endpoint' },
    headerXml: `<WSUser xmlns="${NS}"><UserName>${xmlEscape(config.username)}</UserName><Password>${xmlEscape(config.password)}</Password></WSUser>`,
    isLoginFault,
    credentials: "'username' and 'password'",
    // a WSException beside the Result (WIRE.md "WSException"), nil when all is well
    inBandError: errorElement('WSException', ['SoapMethod', 'Description', 'DateTime']),
  })),
  // the cheapest call that needs a valid login
  check: async ({ soap }) => void (await soap.call('GetContactListCollection', {})),
  streams: [lists, messages, ...messageReports, subscribedContacts],
});
