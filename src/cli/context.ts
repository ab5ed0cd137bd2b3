/**
 * What CLI commands are given: an opened caseflow to work on, the long-running services the
 * composition root (app/) provides, and how to print. Commands never build their own dependencies.
 */
import type { Accounts } from '../auth/accounts';
import type { Clock } from '../clock';
import type { CaseLogAudit } from '../engine/audit';
import type { CaseEngine } from '../engine/engine';
import type { SupervisionReports } from '../engine/supervision';
import type { CaseflowClient } from './apiClient';

/** caseflow opened on a database, as operator commands use it. */
export interface Caseflow {
  engine: CaseEngine;
  accounts: Accounts;
  supervision: SupervisionReports;
  /** Verifies the case log's hash chains and takes signed checkpoints. */
  audit: CaseLogAudit;
  clock: Clock;
  /** Where the data lives (file or URL without a password), for messages. */
  location: string;
  close(): Promise<void>;
}

/** Something running in the background until closed. */
export interface Running {
  close(): Promise<void>;
}

/** The long-running parts, built by the composition root on the caseflow `C` it opens. */
export interface CliServices<C extends Caseflow = Caseflow> {
  /** Opens caseflow on the database the global options name. */
  open(options: { db?: string; databaseUrl?: string; policy?: string }): Promise<C>;
  /** Starts the deadline workers on `cf`; logs 'workers started' once they run. */
  startWorkers(cf: C): Promise<Running>;
  /** Starts the HTTP API on `cf`. */
  serve(cf: C, options: { port: number; host: string; trustProxy: boolean }): Promise<Running & { address: string; log(message: string, fields?: Record<string, unknown>): void }>;
  /** Runs the demo on a fresh database file; with `serve`, then serves the web app on its data until stopped. */
  demo(options: { dbFile: string; log: (line: string) => void; serve?: { port: number; host: string } }): Promise<void>;
}

/** What every command module gets. */
export interface CliContext<C extends Caseflow = Caseflow> {
  services: CliServices<C>;
  /** Opens caseflow on the database the global options name. */
  open: () => Promise<C>;
  /** Opens caseflow, runs `fn`, and closes it again. */
  withCaseflow: <T>(fn: (cf: C) => Promise<T> | T) => Promise<T>;
  /** The HTTP API client caseworker commands act through, as the person the token belongs to, in `role` when one is named (NOT_SIGNED_IN without a server or token). */
  connect: (role: string | undefined) => CaseflowClient;
  /** Prints `value` as JSON with --json, else `text()`. */
  out: (value: unknown, text: () => string) => void;
}
