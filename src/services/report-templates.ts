/**
 * Report templates (API.md, Report templates): the repository's default in
 * each kind, and those staff upload, checked before they are kept. A report
 * is drawn with the template asked for, else the one its run recorded,
 * else REPORT_TEMPLATE, each kind falling back to the default's.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TEMPLATE, TEMPLATE_NAME_PATTERN } from '../domain/types.ts';
import { ApiError } from '../errors.ts';
import { TEMPLATES_DIR } from '../paths.ts';
import type { StoredTemplate, TemplateInfo, TemplateKind, TemplatesPort } from '../store/store.ts';
import type { TemplateChecker } from '../templates/checker.ts';
import { isOle, isZip, readDocxPackage, TEMPLATE_MAX_BYTES } from '../templates/docx-package.ts';
import { checkDocxTags, TEMPLATED_PARTS } from '../templates/docx-tags.ts';
import { liquidFields } from '../templates/liquid.ts';

/** The templates shipped with the service, by kind: files staff download and edit. */
const DEFAULT_FILES: Record<TemplateKind, string> = { docx: 'default.docx', markdown: 'default.md.liquid', html: 'default.html.liquid' };
/** A template's file name extension, by kind, and back. */
export const TEMPLATE_EXTENSIONS: Record<TemplateKind, string> = { docx: 'docx', markdown: 'md', html: 'html' };
export const KIND_OF_EXTENSION: Record<string, TemplateKind> = { docx: 'docx', md: 'markdown', html: 'html' };
/** The media types a template is uploaded and downloaded as. */
export const TEMPLATE_TYPES: Record<TemplateKind, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  markdown: 'text/markdown',
  html: 'text/html',
};

/** The fields a template names, read in place: for the repository's own templates, which are trusted. */
function fieldsNamed(kind: TemplateKind, bytes: Buffer): string[] {
  if (kind !== 'docx') return liquidFields(kind, bytes.toString('utf8')).names;
  const parts = [...readDocxPackage(bytes)].filter(([name]) => TEMPLATED_PARTS.test(name)).map(([part, data]) => ({ part, xml: data.toString('utf8') }));
  return checkDocxTags(parts);
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const TIME_ZERO = new Date(0);

/** A template ready to draw with: its content and what identifies that content. */
export interface TemplateSource {
  name: string;
  kind: TemplateKind;
  bytes: Buffer;
  sha256: string;
}

export class ReportTemplateService {
  private readonly builtIn: Map<TemplateKind, StoredTemplate & { tags: string[] }>;

  constructor(
    private readonly store: TemplatesPort,
    private readonly checker: TemplateChecker,
    /** REPORT_TEMPLATE: the name reports are drawn with unless asked or recorded otherwise. */
    readonly configured: string,
  ) {
    this.builtIn = new Map(
      (Object.keys(DEFAULT_FILES) as TemplateKind[]).map((kind) => {
        const bytes = readFileSync(join(TEMPLATES_DIR, DEFAULT_FILES[kind]));
        return [kind, { name: DEFAULT_TEMPLATE, kind, bytes, size: bytes.length, sha256: sha256(bytes), savedAt: TIME_ZERO, savedBy: 'built-in', tags: fieldsNamed(kind, bytes) }];
      }),
    );
  }

  /** The name as given in a path or query: a template name, else a 400 naming `field`. */
  static checkName(name: string, field: string): string {
    if (!TEMPLATE_NAME_PATTERN.test(name)) {
      throw new ApiError('validation_failed', `${field} must be a template name: lowercase letters, digits, - and _, starting with a letter or digit, at most 64`, {
        details: [{ field, message: 'not a template name' }],
      });
    }
    return name;
  }

  /** Every template: the defaults first, then those kept, by name and kind. */
  async list(): Promise<Array<TemplateInfo & { builtIn: boolean }>> {
    const kept = await this.store.templates();
    const defaults = [...this.builtIn.values()].map(({ bytes: _bytes, ...info }) => ({ ...info, builtIn: true }));
    return [...defaults, ...kept.map((t) => ({ ...t, builtIn: false }))];
  }

  /** One template of one kind, the defaults included; null when there is none. */
  async find(name: string, kind: TemplateKind): Promise<TemplateSource | null> {
    if (name === DEFAULT_TEMPLATE) return this.builtIn.get(kind)!;
    return this.store.template(name, kind);
  }

  /**
   * The template a report is drawn with. Asked for by name: that one, or a
   * 404 naming `template`. Otherwise the one the report's run recorded, then
   * REPORT_TEMPLATE, then the default (a kind a template lacks is the default's).
   */
  async forReport(kind: TemplateKind, asked: string | undefined, recorded: string | undefined): Promise<TemplateSource> {
    if (asked !== undefined) {
      const found = await this.find(ReportTemplateService.checkName(asked, 'template'), kind);
      if (found === null) throw new ApiError('not_found', `there is no ${kind} template named ${asked}`, { details: [{ field: 'template', message: 'not found' }] });
      return found;
    }
    for (const name of [recorded, this.configured]) {
      if (name === undefined || name === DEFAULT_TEMPLATE || !TEMPLATE_NAME_PATTERN.test(name)) continue;
      const found = await this.store.template(name, kind);
      if (found !== null) return found;
    }
    return this.builtIn.get(kind)!;
  }

  /** A 404 naming `field` unless a template of that name exists in some kind. */
  async mustExist(name: string, field: string): Promise<void> {
    if (name === DEFAULT_TEMPLATE) return;
    if ((await this.store.templates()).some((t) => t.name === name)) return;
    throw new ApiError('not_found', `there is no template named ${name}`, { details: [{ field, message: 'not found' }] });
  }

  /** A template's kind from what was sent: a zip (or an old Office file) is Word, text is by its media type. */
  static kindOf(bytes: Buffer, mediaType: string, extension: TemplateKind | null): TemplateKind {
    const kind: TemplateKind | null = isZip(bytes) || isOle(bytes) ? 'docx' : mediaType === 'text/markdown' ? 'markdown' : mediaType === 'text/html' ? 'html' : null;
    if (kind === null) {
      throw new ApiError('unsupported_media_type', 'a template is a Word document (.docx) or a Liquid text template sent as text/markdown or text/html', {
        details: [{ field: 'content-type', message: `${mediaType || 'none'} is not a template type` }],
      });
    }
    if (extension !== null && extension !== kind) {
      throw new ApiError('unsupported_media_type', `the name says ${extension} but the file is a ${kind} template`, { details: [{ field: 'name', message: `not a ${extension} template` }] });
    }
    return kind;
  }

  /** Check and keep a template; nothing is kept unless every check passes. */
  async save(name: string, bytes: Buffer, kind: TemplateKind, by: string): Promise<TemplateInfo> {
    if (name === DEFAULT_TEMPLATE) {
      throw new ApiError('validation_failed', 'the default template is the repository\'s and cannot be replaced: upload yours under another name and set REPORT_TEMPLATE to it', {
        details: [{ field: 'name', message: 'default is built in' }],
      });
    }
    if (bytes.length > TEMPLATE_MAX_BYTES) {
      throw new ApiError('payload_too_large', `a template may be at most ${TEMPLATE_MAX_BYTES / 1024 / 1024} MB`, { details: [{ field: 'template', message: `${bytes.length} bytes` }] });
    }
    if (bytes.length === 0) throw new ApiError('validation_failed', 'the template is empty', { details: [{ field: 'template', message: 'empty' }] });
    const tags = await this.checker.check(kind, bytes);
    const template: StoredTemplate = { name, kind, bytes, size: bytes.length, sha256: sha256(bytes), savedAt: new Date(), savedBy: by, tags };
    await this.store.saveTemplate(template);
    const { bytes: _bytes, ...info } = template;
    return info;
  }

  /** Remove a name's templates (of one kind when given); the default stays. */
  async remove(name: string, kind: TemplateKind | null): Promise<number> {
    if (name === DEFAULT_TEMPLATE) {
      throw new ApiError('validation_failed', 'the default template cannot be deleted: set REPORT_TEMPLATE to another template to draw reports with that one', {
        details: [{ field: 'name', message: 'default is built in' }],
      });
    }
    const removed = await this.store.deleteTemplates(name, kind);
    if (removed === 0) throw new ApiError('not_found', `there is no template named ${name}${kind === null ? '' : ` of kind ${kind}`}`, { details: [{ field: 'name', message: 'not found' }] });
    return removed;
  }
}
