/** A Word document opened as a person would: LibreOffice (Debian's libreoffice-writer) converts it to PDF, pdftotext (poppler-utils) reads it back. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import { tempDir } from './tmp.ts';

const SOFFICE = '/usr/bin/soffice';
const PDFTOTEXT = '/usr/bin/pdftotext';

/** A test's `skip`: false where both tools are installed, else what to install. */
export const withoutOffice: false | string = existsSync(SOFFICE) && existsSync(PDFTOTEXT) ? false : `needs ${SOFFICE} (Debian libreoffice-writer) and ${PDFTOTEXT} (poppler-utils)`;

/** The document converted to PDF in a directory of the test's: the PDF's path and its text. */
export function openedInOffice(t: Test, docx: Buffer): { pdf: string; text: string } {
  const dir = tempDir(t);
  const file = join(dir, 'report.docx');
  writeFileSync(file, docx);
  const profile = join(dir, 'lo-profile');
  mkdirSync(profile);
  execFileSync(SOFFICE, [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, file], { timeout: 180_000, stdio: 'pipe' });
  const pdf = join(dir, 'report.pdf');
  execFileSync(PDFTOTEXT, [pdf, join(dir, 'report.txt')], { timeout: 60_000 });
  return { pdf, text: readFileSync(join(dir, 'report.txt'), 'utf8') };
}
