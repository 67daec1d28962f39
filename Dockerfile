# The service image: Node 24 LTS, the supported runtime (README, engines), on
# Debian 13; compiled once. The toolchain is for better-sqlite3 where no
# prebuilt binary can be downloaded.
FROM node:24-trixie-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY queries ./queries
COPY charts ./charts
COPY public ./public
COPY templates ./templates
RUN npm run build && npm prune --omit=dev
# PNG charts and the Word report's charts draw Chinese with Noto Sans CJK (src/fonts.ts); without it they answer 503.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk && rm -rf /var/lib/apt/lists/*
ENV HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
EXPOSE 3000
USER node
CMD ["node", "--max-semi-space-size=16", "--heap-growing-percent=50", "dist/src/server.js"]
