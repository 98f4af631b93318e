import { acceptanceFor } from './acceptance-for.js';

acceptanceFor('source-ometria');
