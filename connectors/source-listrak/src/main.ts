#!/usr/bin/env node
import { runSource } from '@conkit/base';
import source from './index.js';

await runSource(source, process.argv.slice(2));
