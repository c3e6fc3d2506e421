# Both services from one image: the compose file picks the entry point.
# Build stage: full dependencies, compile TypeScript to dist/.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
COPY migrations ./migrations
COPY bench ./bench
RUN npm run build

# Runtime stage: production dependencies and the compiled output only.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3001 3002
CMD ["node", "--max-semi-space-size=4", "--max-old-space-size=1024", "dist/apps/accounts/src/main.js"]
