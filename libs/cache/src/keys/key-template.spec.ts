import { KeyTemplateError } from '../errors';
import { compileKeyTemplate } from './key-template';
import { stableDigest } from './stable-digest';

describe('compileKeyTemplate', () => {
  it('fills positional placeholders', () => {
    expect(compileKeyTemplate('barber:{0}:date:{1}')([7, '2024-05-01'])).toBe(
      'barber:7:date:2024-05-01',
    );
  });

  it('reads nested fields, and gives null/undefined along the way as text', () => {
    const build = compileKeyTemplate('user:{0.id}:org:{0.org.id}:{1.page}');
    expect(build([{ id: 42, org: { id: 'acme' } }, { page: 3 }])).toBe('user:42:org:acme:3');
    expect(build([{ id: 42 }, undefined])).toBe('user:42:org:undefined:undefined');
  });

  it('renders objects by a stable digest, never as [object Object]', () => {
    const build = compileKeyTemplate('search:{0}');
    expect(build([{ b: 1, a: 2 }])).toBe(`search:${stableDigest({ a: 2, b: 1 })}`);
    expect(build([new Date('2024-05-01T10:00:00Z')])).toBe('search:2024-05-01T10:00:00.000Z');
  });

  it('keeps literal braces written twice', () => {
    expect(compileKeyTemplate('{{tag}}:{0}')(['x'])).toBe('{tag}:x');
  });

  it.each([
    ['a:{x}', /not a placeholder/],
    ['a:{0', /unclosed "\{"/],
    ['a:}0', /stray "\}"/],
    ['a:{}', /not a placeholder/],
    ['a:{0.}', /not a placeholder/],
    ['a:{-1}', /not a placeholder/],
    ['', /non-empty/],
  ])('refuses the malformed template %j', (template, message) => {
    expect(() => compileKeyTemplate(template)).toThrow(KeyTemplateError);
    expect(() => compileKeyTemplate(template)).toThrow(message);
  });

  it('refuses an argument index the method does not have', () => {
    expect(() => compileKeyTemplate('a:{0}:{2}', { argCount: 2 })).toThrow(
      /refers to argument 2, but there are 2 arguments/,
    );
    expect(() => compileKeyTemplate('a:{1}', { argCount: 2 })).not.toThrow();
    expect(() => compileKeyTemplate('a:{5}')).not.toThrow(); // argument count unknown
  });

  it('refuses a whole argument where only fields make sense (routes)', () => {
    expect(() =>
      compileKeyTemplate('a:{0}', { argCount: 1, fieldsOnly: 'use {0.params.id}' }),
    ).toThrow(/names a whole argument: use \{0.params.id\}/);
    expect(
      compileKeyTemplate('a:{0.params.id}', { argCount: 1, fieldsOnly: '-' })([
        { params: { id: '9' } },
      ]),
    ).toBe('a:9');
  });
});
