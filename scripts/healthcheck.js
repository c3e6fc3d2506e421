#!/usr/bin/env node
// The image's HEALTHCHECK: healthy when the service this container runs answers 200 on
// /health/ready. One image serves both services, so it asks both ports (the one that is
// not served refuses at once); a tool container (migrate, replay) is not health-checked
// by compose.
const ports = [process.env.ACCOUNTS_HTTP_PORT || '3001', process.env.CUSTOMERS_HTTP_PORT || '3002'];
const ready = (port) =>
  fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2500) }).then(
    (r) => r.ok,
    () => false,
  );
Promise.all(ports.map(ready)).then((answers) => process.exit(answers.some(Boolean) ? 0 : 1));
