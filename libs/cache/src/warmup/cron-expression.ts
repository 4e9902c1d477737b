import { validateCronExpression } from 'cron';

/** Why a cron expression cannot be scheduled, or undefined when it can. */
export function cronProblem(expression: unknown): string | undefined {
  if (typeof expression !== 'string' || expression.trim() === '')
    return 'a cron expression is a non-empty string';
  const { valid, error } = validateCronExpression(expression);
  return valid
    ? undefined
    : `invalid cron expression ${JSON.stringify(expression)}: ${error?.message ?? 'rejected'}`;
}
