import { singerFor } from './singer-for.js';

// conversion files hold no personal data (no email, no name): the maps test runs an empty map
singerFor({ connector: 'source-conversions-s3', pii: {} });
