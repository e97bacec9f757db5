import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateOpenApi, openApiPath } from './openapi.ts';
import { SERVICES, type ServiceName } from '../model/style.ts';

/** What each service offers through the gateway, as "METHOD path"; internal routes may come on top. */
const PUBLIC_OPERATIONS: Record<ServiceName, readonly string[]> = {
  auth: ['post /auth/register', 'post /auth/login', 'get /auth/me'],
  billing: ['get /billing/account', 'post /billing/account/deposits'],
  order: ['post /orders', 'get /orders', 'get /orders/{id}'],
  notification: ['get /notifications'],
};

interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly title: string };
  readonly paths: Record<string, Record<string, unknown>>;
  readonly servers?: unknown;
}

describe('docs/openapi', () => {
  let generated: Record<ServiceName, string>;
  const committed = {} as Record<ServiceName, string>;

  beforeAll(async () => {
    generated = await generateOpenApi();
    for (const service of SERVICES) committed[service] = await readFile(openApiPath(service), 'utf8').catch(() => '');
  });

  it.each(SERVICES)('openapi - the committed %s document is what the routes generate now', (service) => {
    expect(committed[service], `docs/openapi/${service}.json is stale: run npm run openapi`).toBe(generated[service]);
  });

  it.each(SERVICES)('openapi - the %s document is OpenAPI 3 and lists the public operations', (service) => {
    const doc = JSON.parse(committed[service] || generated[service]) as OpenApiDocument;
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title).toContain(service);
    expect(doc.servers, 'a run-specific servers list was kept').toBeUndefined();
    expect(generated[service]).not.toMatch(/127\.0\.0\.1|localhost|:\d{4,5}\//);
    const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m} ${path}`));
    expect(operations).toEqual(expect.arrayContaining([...PUBLIC_OPERATIONS[service]]));
  });

  it('openapi - generating twice gives byte-identical documents', async () => {
    expect(await generateOpenApi()).toEqual(generated);
  });
});
