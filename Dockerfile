# svc-reservations: build with the dev toolchain, run the compiled subgraph. The same image runs
# the gateway (hive-gateway supergraph -c dist/gateway/gateway.config.js) and the stubs
# (node dist/stubs/main.js) in compose.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts codegen.ts schema.graphql tsconfig.json tsconfig.build.json ./
RUN npm ci
COPY src ./src
COPY gateway ./gateway
COPY stubs ./stubs
RUN npm run build && cp stubs/subgraphs/*.graphql dist/stubs/subgraphs/ && npm prune --omit=dev --ignore-scripts

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./
# Files read at run time sit where the compiled code looks for them (relative to dist/src, as
# they are to src/ in the repository): schema, migrations; the gateway's supergraph and partner
# manifest are read from the working directory (SUPERGRAPH_PATH, PARTNER_MANIFEST_PATH).
COPY schema.graphql ./dist/
COPY prisma/migrations ./dist/prisma/migrations
COPY supergraph.graphql ./
COPY operations ./operations
# Development keys shared by the subgraph and the gateway of the local stack (a compose volume).
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 4001
CMD ["node", "--import", "./dist/src/observability/instrument.js", "dist/src/main.js"]
