/** Report templates staff edit (API.md, Report templates): list, fields, download, upload, delete. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../../errors.ts';
import { errorSchema } from '../../schemas/common.ts';
import { KIND_OF_EXTENSION, ReportTemplateService, TEMPLATE_EXTENSIONS, TEMPLATE_TYPES } from '../../services/report-templates.ts';
import type { TemplateInfo, TemplateKind } from '../../store/store.ts';
import { TEMPLATE_MAX_BYTES } from '../../templates/docx-package.ts';
import { exampleData, exampleOf } from '../../templates/example.ts';
import { FIELDS, type FieldDoc } from '../../templates/fields.ts';

const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 503: errorSchema };
const kindSchema = z.enum(['docx', 'markdown', 'html']);
const infoSchema = z.object({
  name: z.string(),
  kind: kindSchema,
  size: z.number().int(),
  sha256: z.string(),
  savedAt: z.string().nullable().describe('null for the built-in default'),
  savedBy: z.string(),
  builtIn: z.boolean(),
  tags: z.array(z.string()).describe('the fields the template names'),
});
const fileParams = z.object({
  file: z.string().max(80).describe('a template name (county), or a name with the kind\'s extension (county.docx, county.md, county.html)'),
});
const kindQuery = z.object({ kind: kindSchema.optional().describe('of a name with several kinds: which one (default: Word, else the first kept)') });
const fieldSchema: z.ZodType<unknown> = z.lazy(() =>
  z.object({ name: z.string(), type: z.string(), description: z.string(), kinds: z.array(kindSchema), example: z.unknown(), items: z.array(fieldSchema).optional() }),
);

const json = (t: TemplateInfo & { builtIn?: boolean }) => ({ name: t.name, kind: t.kind, size: t.size, sha256: t.sha256, savedAt: t.builtIn ? null : t.savedAt.toISOString(), savedBy: t.savedBy, builtIn: t.builtIn ?? false, tags: t.tags });

/** `county.docx` → county, docx; `county` → county, no kind. */
function nameAndKind(file: string): { name: string; kind: TemplateKind | null } {
  if (file === 'fields') throw new ApiError('validation_failed', 'fields names the list of fields, not a template', { details: [{ field: 'name', message: 'reserved' }] });
  const dot = file.lastIndexOf('.');
  if (dot < 0) return { name: ReportTemplateService.checkName(file, 'name'), kind: null };
  const kind = KIND_OF_EXTENSION[file.slice(dot + 1)];
  if (kind === undefined) throw new ApiError('validation_failed', 'a template file ends in .docx, .md or .html', { details: [{ field: 'name', message: 'unknown extension' }] });
  return { name: ReportTemplateService.checkName(file.slice(0, dot), 'name'), kind };
}

const mediaType = (contentType: string | undefined) => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

const routes: FastifyPluginAsyncZod = async (app) => {
  const templates = app.services.reportTemplates;
  // Any body as bytes: the kind is read from the bytes and the media type, and a wrong one is a 415 that says what a template is.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: TEMPLATE_MAX_BYTES }, (_request, body, done) => done(null, body));

  app.get(
    '/v1/report-templates',
    { schema: { tags: ['reports'], summary: 'every report template: the built-in default in each kind, then those uploaded', response: { 200: z.object({ templates: z.array(infoSchema) }), ...errors } } },
    async () => ({ templates: (await templates.list()).map(json) }),
  );

  app.get(
    '/v1/report-templates/fields',
    { schema: { tags: ['reports'], summary: 'every field a template may name, with an example from a real report', response: { 200: z.object({ fields: z.array(fieldSchema) }), ...errors } } },
    async () => {
      const example = exampleData('html');
      const doc = (f: FieldDoc): object => ({ name: f.name, type: f.type, description: f.description, kinds: f.kinds, example: exampleOf(example, f), ...(f.items ? { items: f.items.map((i) => ({ ...doc(i), example: null })) } : {}) });
      return { fields: FIELDS.map(doc) };
    },
  );

  app.get(
    '/v1/report-templates/:file',
    {
      schema: {
        tags: ['reports'],
        summary: 'download a template, to edit in Word or WPS (default.docx: the built-in report) or as text (default.md, default.html)',
        params: fileParams,
        querystring: kindQuery,
        response: { 200: { description: 'the template file', content: Object.fromEntries(Object.values(TEMPLATE_TYPES).map((type) => [type, { schema: z.string() }])) }, ...errors },
      },
    },
    async (request, reply) => {
      const { name, kind: fromName } = nameAndKind(request.params.file);
      const kinds: TemplateKind[] = fromName !== null ? [fromName] : request.query.kind !== undefined ? [request.query.kind] : ['docx', 'markdown', 'html'];
      for (const kind of kinds) {
        const found = await templates.find(name, kind);
        if (found === null) continue;
        const file = `${name}.${TEMPLATE_EXTENSIONS[kind]}`;
        return reply
          .header('content-type', kind === 'docx' ? TEMPLATE_TYPES.docx : `${TEMPLATE_TYPES[kind]}; charset=utf-8`)
          .header('content-disposition', `attachment; filename="${file}"`)
          .header('etag', `"${found.sha256}"`)
          .send(found.bytes as never);
      }
      throw new ApiError('not_found', `there is no template named ${name}${fromName === null ? '' : ` of kind ${fromName}`}`, { details: [{ field: 'name', message: 'not found' }] });
    },
  );

  app.put(
    '/v1/report-templates/:file',
    {
      bodyLimit: TEMPLATE_MAX_BYTES,
      config: { access: 'admin', tooLarge: `a template may be at most ${TEMPLATE_MAX_BYTES / 1024 / 1024} MB: make its pictures smaller` },
      schema: {
        tags: ['reports'],
        summary: 'upload a template (admin): a .docx with docxtemplater tags, or a Liquid text template sent as text/markdown or text/html; checked against the fields before it is kept',
        params: fileParams,
        response: { 200: z.object({ name: z.string(), kind: kindSchema, tags: z.array(z.string()) }), 413: errorSchema, 415: errorSchema, ...errors },
      },
    },
    async (request) => {
      const { name, kind: fromName } = nameAndKind(request.params.file);
      // Text and JSON bodies arrive parsed by the service-wide parsers: text is kept as sent, JSON is no template.
      const raw = request.body;
      const body = Buffer.isBuffer(raw) ? raw : typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.alloc(0);
      const kind = ReportTemplateService.kindOf(body, mediaType(request.headers['content-type']), fromName);
      const saved = await templates.save(name, body, kind, request.principal.holder);
      request.log.info({ template: name, kind, size: saved.size, by: saved.savedBy }, 'report template saved');
      return { name: saved.name, kind: saved.kind, tags: saved.tags };
    },
  );

  app.delete(
    '/v1/report-templates/:file',
    {
      config: { access: 'admin' },
      schema: { tags: ['reports'], summary: 'remove a template (admin), every kind of the name or the one its extension names; the default stays', params: fileParams, response: { 204: z.null(), ...errors } },
    },
    async (request, reply) => {
      const { name, kind } = nameAndKind(request.params.file);
      await templates.remove(name, kind);
      return reply.code(204).send(null);
    },
  );
};

export default routes;
