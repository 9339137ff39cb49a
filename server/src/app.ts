import 'reflect-metadata';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger, type LoggerService, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { ApiExceptionFilter } from './api/api-exception.filter.js';
import { answerClientErrors } from './api/client-errors.js';
import { parseQueryString } from './api/query-parser.js';
import { AppModule } from './app.module.js';
import { type Clock, systemClock } from './clock/clock.js';
import type { AppConfig } from './config/app-config.js';
import { openMigratedDatabase } from './database/database.module.js';
import { waitForConfiguredDatabase } from './database/wait-for-postgres.js';
import { describeIngestApi } from './ingest/ingest-openapi.js';
import { LiveSocketAdapter } from './live/live-socket.adapter.js';
import { jsonLogging } from './logging/json-logger.js';
import { startupPhase } from './logging/startup-phases.js';

/** Largest JSON body of REST ingest and of a posted export: a batch of about 10,000 rows. */
const BULK_JSON_LIMIT = '16mb';
const BULK_JSON_PATHS = /^\/api\/(ingest|export)\//;
/** Every other JSON body (Nest's default). */
const JSON_LIMIT = '100kb';

/** The built web app, served on the same port as the API. */
const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface StartOptions {
  /** Nest logger or the levels to print, or false for none (tests); unset: JSON lines at LOG_LEVEL. */
  logger?: LoggerService | LogLevel[] | false;
  /** What time it is for scoring and the views (unset: the system clock; tests set their own). */
  clock?: Clock;
}

/**
 * Starts Pulse: open and migrate the database, seed, score and load views (StartupService), follow the
 * change feed (ChangeFeedReader → LivePipeline), then serve the API, the live socket and the web app.
 */
export async function startServer(
  config: AppConfig,
  options: StartOptions = {},
): Promise<NestExpressApplication> {
  const json = options.logger === undefined ? jsonLogging(config.logLevel) : null;
  // Every Logger, also those used before Nest starts, writes JSON lines.
  if (json) Logger.overrideLogger(json.logger);
  // Before Nest: a provider that throws makes Nest print a stack trace and exit on its own.
  const databaseLogger = new Logger('Database');
  await waitForConfiguredDatabase(config, (line) => databaseLogger.warn(line));
  const database = await openMigratedDatabase(config);
  let app: NestExpressApplication;
  try {
    app = await startupPhase('create modules', () =>
      NestFactory.create<NestExpressApplication>(
        AppModule.forConfig(config, database, options.clock ?? systemClock, json?.params),
        {
          logger: json?.logger ?? options.logger,
        },
      ),
    );
  } catch (error) {
    await database.close();
    throw error;
  }
  app.enableShutdownHooks();
  app.useWebSocketAdapter(new LiveSocketAdapter(app));
  secureHttp(app);
  await startupPhase('describe API', async () => {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Pulse API')
        .setDescription('Account health, adoption, revenue and success-plan KPIs (KPIS.md)')
        .build(),
    );
    describeIngestApi(document);
    SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/json' });
  });
  serveWebApp(app);

  // Runs StartupService: seed an empty database, score it, load the views.
  await startupPhase('initialise', () => app.init());
  await startupPhase('listen', () => app.listen(config.port));
  new Logger('Pulse').log(
    `Dashboard on http://localhost:${(app.getHttpServer().address() as { port: number }).port}`,
  );
  return app;
}

/** Security headers, one error format for every failure, and a query parser that refuses bad encoding. */
function secureHttp(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Pulse is often served over plain HTTP inside a network (wall displays): upgrading its
          // own requests to HTTPS would break it there.
          upgradeInsecureRequests: null,
        },
      },
    }),
  );
  app.set('query parser', parseQueryString);
  // Ingest batches and a drill-down's posted ids take up to 16 MB (10,000 rows fit); every other JSON
  // body keeps Nest's 100 kB. CSV files are not parsed here: the import streams them.
  app.useBodyParser('json', {
    limit: BULK_JSON_LIMIT,
    // Express has made every request a Request by the time body parsers run.
    type: (request) =>
      BULK_JSON_PATHS.test(request.url ?? '') && Boolean((request as Request).is('application/json')),
  });
  app.useBodyParser('json', { limit: JSON_LIMIT });
  app.useGlobalFilters(new ApiExceptionFilter());
  answerClientErrors(app.getHttpServer());
}

/**
 * Static files of web/dist, and index.html for client-side routes (everything outside /api, /metrics
 * and sockets). `pnpm start` builds the web app while the server starts, so a page asked for before
 * the build is done gets a "building" page that reloads itself.
 */
function serveWebApp(app: NestExpressApplication): void {
  if (!existsSync(WEB_DIST)) {
    new Logger('Pulse').warn(
      `No web build at ${WEB_DIST} yet: pages wait for it (\`pnpm start\` builds it; else run \`pnpm build\`); the API works`,
    );
  }
  app.useStaticAssets(WEB_DIST, { index: false, maxAge: '1h' });
  app.use((request: Request, response: Response, next: NextFunction) => {
    const isPage = request.method === 'GET' && !/^\/(api|socket\.io|metrics)(\/|$)/.test(request.path);
    if (!isPage || request.accepts('html') !== 'html') return next();
    if (!existsSync(WEB_INDEX)) {
      response.status(503).set('retry-after', '2').type('html').send(BUILDING_PAGE);
      return;
    }
    response.sendFile('index.html', { root: WEB_DIST, maxAge: 0 });
  });
}

const WEB_INDEX = path.join(WEB_DIST, 'index.html');
/** Shown while the web app is being built; reloads itself (no script: the CSP allows none inline). */
const BUILDING_PAGE =
  '<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>Pulse</title>' +
  '<p style="font-family:sans-serif">Pulse is building the dashboard; this page reloads by itself.</p>';
