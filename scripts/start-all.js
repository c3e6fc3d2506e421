#!/usr/bin/env node
// npm start (after prestart built dist/): finds or starts PostgreSQL and NATS, then runs
// both services in the foreground (apps/launcher/src/launch.ts).
const { join } = require('node:path');

require(join(__dirname, '..', 'dist', 'apps', 'launcher', 'src', 'launch.js')).launch(join(__dirname, '..'));
