/**
 * The folders show the runtime: these tests prove that the TypeScript projects and the lint
 * rules refuse code that crosses a layer, using in-memory probe files.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Type-checks one virtual file under a project's compiler options; returns the diagnostics' text. */
function typeCheck(project: 'src' | 'renderer', fileName: string, source: string): string[] {
  const configPath = `${root}${project}/tsconfig.json`;
  const config = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, `${root}${project}`);
  const probe = `${root}${project}/${fileName}`;
  const host = ts.createCompilerHost({ ...parsed.options, noEmit: true, composite: false, declaration: false, emitDeclarationOnly: false });
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = ((exists) => (path: string) => path === probe || exists(path))(host.fileExists.bind(host));
  host.readFile = (path) => (path === probe ? source : readFile(path));
  host.getSourceFile = (path, language, onError, create) =>
    path === probe ? ts.createSourceFile(path, source, language, true) : getSourceFile(path, language, onError, create);
  const program = ts.createProgram([probe], { ...parsed.options, noEmit: true, composite: false, declaration: false, emitDeclarationOnly: false }, host);
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(probe))
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

/**
 * Lints `source` as if it lived at `fileName`. Type-aware rules need a file on disk that the
 * TypeScript project service can find, so the probe is written next to real code and removed.
 */
async function lint(fileName: string, source: string): Promise<string[]> {
  const path = `${root}${fileName}`;
  const existed = existsSync(path);
  if (!existed) writeFileSync(path, source);
  try {
    const eslint = new ESLint({ cwd: root });
    const [result] = await eslint.lintText(source, { filePath: path });
    return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
  } finally {
    if (!existed) rmSync(path, { force: true });
  }
}

describe('TypeScript projects', () => {
  it('src/ has no DOM types', () => {
    const errors = typeCheck('src', '__probe__.ts', 'export const title: string = document.title;\n');
    expect(errors.join('\n')).toMatch(/Cannot find name 'document'/);
  });

  it('src/ compiles plain Node code', () => {
    expect(typeCheck('src', '__probe__.ts', "import { createHash } from 'node:crypto';\nexport const h = createHash('sha256');\n")).toEqual([]);
  });

  it('renderer/ has no Node types', () => {
    const errors = typeCheck('renderer', '__probe__.ts', 'export const cwd: string = process.cwd();\n');
    expect(errors.join('\n')).toMatch(/Cannot find name 'process'/);
  });

  it('renderer/ has the DOM', () => {
    expect(typeCheck('renderer', '__probe__.ts', 'export const title: string = document.title;\n')).toEqual([]);
  });
});

describe('lint layering rules', () => {
  it('src/ may not import electron or react', async () => {
    expect((await lint('src/__layering_probe__.ts', "import { app } from 'electron';\nexport const a = app;\n")).join('\n')).toMatch(/no-restricted-imports/);
    expect((await lint('src/__layering_probe__.ts', "import { useState } from 'react';\nexport const s = useState;\n")).join('\n')).toMatch(/no-restricted-imports/);
  });

  it('portable code may not import Node built-ins or use Buffer', async () => {
    expect((await lint('src/license-file/portable.ts', "import { createHash } from 'node:crypto';\nexport const h = createHash;\n")).join('\n')).toMatch(/no-restricted-imports/);
    expect((await lint('src/contract/__layering_probe__.ts', 'export const b = Buffer.from([1]);\n')).join('\n')).toMatch(/no-restricted-globals/);
  });

  it('main/ may not use raw ipcRenderer', async () => {
    expect((await lint('main/__layering_probe__.ts', "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n")).join('\n')).toMatch(/no-restricted-syntax/);
  });

  it('the renderer may import only the contract from src/', async () => {
    expect((await lint('renderer/__layering_probe__.ts', "import { verifyLicenseFile } from '../src/license-file/verify.js';\nexport const v = verifyLicenseFile;\n")).join('\n')).toMatch(/no-restricted-imports/);
  });

  it('floating promises are errors', async () => {
    const messages = await lint('src/__layering_probe__.ts', 'async function work(): Promise<void> {}\nexport function run(): void {\n  work();\n}\n');
    expect(messages.join('\n')).toMatch(/no-floating-promises/);
  });
});
