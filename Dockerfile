# One image for sensorwatch's services: compose runs it as the producer, the detector or the exporter
# by choosing the entry point (node dist/<service>/main.js).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm install applies patches/ (patch-package): fixes to kafkajs' failover, and both Kafka's and
# Cassandra's clients made to allocate less per message (docs/benchmarks.md).
COPY patches ./patches
RUN npm install --no-audit --no-fund
# The whole tree (.dockerignore leaves out what is built or downloaded); tsconfig.build.json chooses
# what is compiled, by glob, so a new package needs no line here.
COPY . .
RUN npx tsc -p tsconfig.build.json

FROM node:24-bookworm-slim
ENV NODE_ENV=production
# jemalloc, which compose preloads into the detector (LD_PRELOAD): glibc's malloc held on to freed memory
# (docs/benchmarks.md). Linked at one path whatever the architecture's library folder.
RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2 \
  && rm -rf /var/lib/apt/lists/* \
  && ln -s "$(dpkg -L libjemalloc2 | grep '/libjemalloc\.so\.2$')" /usr/local/lib/libjemalloc.so.2
WORKDIR /app
COPY package.json package-lock.json ./
# npm install applies patches/ (patch-package): fixes to kafkajs' failover, and both Kafka's and
# Cassandra's clients made to allocate less per message (docs/benchmarks.md).
COPY patches ./patches
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Station profiles are configuration: mount another file and point SENSORWATCH_PROFILES_FILE at it.
COPY config ./config
ENV SENSORWATCH_PROFILES_FILE=/app/config/profiles.yaml
USER node
CMD ["node", "--import", "./dist/detector/instrumentation.js", "dist/detector/main.js"]
