# Both services and the operators' tools (migrate, replay, demo) from one image: the
# compose file picks the entry point. No benchmark code and no tests in it.
#
#   docker build --build-arg CALM_COMMIT=$(git rev-parse HEAD) -t calm-accounts .
#
# Build stage: full dependencies, compile TypeScript to dist/.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
COPY migrations ./migrations
RUN npm run build

# Runtime stage: production dependencies and the compiled services and tools only.
FROM node:24-bookworm-slim AS runtime
ARG CALM_COMMIT=unknown
LABEL org.opencontainers.image.title="calm-accounts" \
      org.opencontainers.image.description="Order-insensitive, event-driven account and customer services (NestJS, PostgreSQL, NATS JetStream)" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.revision="${CALM_COMMIT}"
ENV NODE_ENV=production \
    CALM_COMMIT=${CALM_COMMIT}
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/apps ./dist/apps
COPY --from=build /app/dist/libs ./dist/libs
COPY --from=build /app/dist/migrations ./dist/migrations
COPY scripts/healthcheck.js ./scripts/healthcheck.js
USER node
EXPOSE 3001 3002
# Ready (database, NATS, consumer) on whichever service port this container serves.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "scripts/healthcheck.js"]
CMD ["node", "--max-semi-space-size=4", "--max-old-space-size=512", "--v8-pool-size=2", "dist/apps/accounts/src/main.js"]
