# Image for docker-compose.yml: builds the workspace and runs the server (which serves the web app).
FROM node:20-bookworm-slim
WORKDIR /app
RUN npm install -g pnpm@12
COPY . .
RUN pnpm install --frozen-lockfile && pnpm build
ENV NODE_ENV=production PORT=3000
EXPOSE 3000
CMD ["node", "server/dist/main.js"]
