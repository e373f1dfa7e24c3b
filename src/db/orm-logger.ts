/**
 * MikroORM's logger interface on top of pino, so ORM messages land in the
 * same JSON log lines as everything else instead of on stdout.
 */
import type { LogContext, Logger, LoggerNamespace } from '@mikro-orm/core';
import type pino from 'pino';

export class PinoOrmLogger implements Logger {
  #log: pino.Logger;
  #debugMode: boolean | LoggerNamespace[];

  constructor(log: pino.Logger, debugMode: boolean | LoggerNamespace[] = false) {
    this.#log = log;
    this.#debugMode = debugMode;
  }

  log(namespace: string, message: string, context?: LogContext): void {
    if (!this.isEnabled(namespace as LoggerNamespace, context)) return;
    const level = context?.level === 'error' ? 'error' : context?.level === 'warning' ? 'warn' : 'info';
    this.#log[level]({ namespace, label: context?.label }, message.replace(/\s+/g, ' ').trim());
  }

  error(namespace: string, message: string, context?: LogContext): void {
    this.log(namespace, message, { ...context, level: 'error' });
  }

  warn(namespace: string, message: string, context?: LogContext): void {
    this.log(namespace, message, { ...context, level: 'warning' });
  }

  logQuery(context: LogContext): void {
    const namespace = context.namespace ?? 'query';
    if (!this.isEnabled(namespace, context)) return;
    // Queries are debug chatter unless MikroORM flags them (slow queries come as warnings).
    const level = context.level === 'warning' ? 'warn' : context.level === 'error' ? 'error' : 'debug';
    this.#log[level](
      { namespace, sql: context.query, tookMs: context.took, results: context.results, affected: context.affected },
      'query',
    );
  }

  setDebugMode(debugMode: boolean | LoggerNamespace[]): void {
    this.#debugMode = debugMode;
  }

  /** Same rules as MikroORM's DefaultLogger: an explicit `enabled` wins, else the debug namespaces decide. */
  isEnabled(namespace: LoggerNamespace, context?: LogContext): boolean {
    if (context?.enabled !== undefined) return context.enabled;
    if (namespace === 'deprecated') return true;
    const mode = context?.debugMode ?? this.#debugMode;
    return mode === true || (Array.isArray(mode) && mode.includes(namespace));
  }
}
