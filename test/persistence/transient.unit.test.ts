import {
  describeError,
  isTransient,
  publicDescription,
} from '../../src/adapters/persistence/append/transient';

const pg = (code: string, message = 'boom') =>
  Object.assign(new Error(message), { code, severity: 'ERROR' });

describe('isTransient', () => {
  it('retries what an unreachable or restarting server causes', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(isTransient(refused)).toBe(true);
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransient(pg('57P01', 'terminating connection due to administrator command'))).toBe(
      true,
    );
    expect(isTransient(pg('08006'))).toBe(true);
    expect(isTransient(pg('40001'))).toBe(true);
    expect(isTransient(pg('53300'))).toBe(true);
  });

  it('does not retry a statement the server refused', () => {
    expect(isTransient(pg('22P02'))).toBe(false);
    expect(isTransient(pg('23505'))).toBe(false);
    expect(isTransient(pg('42P01', 'relation "inference_events" does not exist'))).toBe(false);
  });
});

describe('describeError', () => {
  it('names the code once and unpacks an AggregateError', () => {
    expect(describeError(pg('42P01', 'relation missing'))).toBe('42P01: relation missing');
    const inner = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), {
      code: 'ECONNREFUSED',
    });
    expect(describeError(new AggregateError([inner], ''))).toBe('connect ECONNREFUSED ::1:5432');
  });
});

describe('publicDescription (status.logging.lastError)', () => {
  it('names the kind and code, never the driver message or the SQL it quotes', () => {
    const sql = 'insert into "inference_events" values ($1) - invalid input syntax for type json';
    expect(publicDescription(pg('22P02', sql))).toBe(
      'the database refused the write (SQLSTATE 22P02)',
    );
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    expect(publicDescription(new AggregateError([refused], ''))).toBe(
      'the database could not be reached (ECONNREFUSED)',
    );
    expect(publicDescription(new Error(sql))).toBe('the database write failed');
  });
});
