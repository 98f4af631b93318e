import { acceptanceFor } from './acceptance-for.js';

acceptanceFor('source-conversions-s3');
