import { Controller, Get, Injectable, Logger, Scope, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Cached, CacheModule, InvalidateOn, type CacheModuleOptions } from '@app/cache';

/** Builds a module around the given classes and runs its bootstrap hooks. */
async function bootstrap(
  classes: { providers?: Type[]; controllers?: Type[] },
  options: CacheModuleOptions = {},
) {
  const moduleRef = await Test.createTestingModule({
    imports: [CacheModule.forRoot({ redis: null, ...options })],
    providers: classes.providers ?? [],
    controllers: classes.controllers ?? [],
  }).compile();
  try {
    await moduleRef.init();
  } finally {
    await moduleRef.close();
  }
}

describe('bad decorators fail at bootstrap, naming the method', () => {
  it('a placeholder that is not one', async () => {
    @Injectable()
    class BadTemplateService {
      @Cached({ key: 'a:{x}' })
      async find(_id: number) {
        return 1;
      }
    }
    await expect(bootstrap({ providers: [BadTemplateService] })).rejects.toThrow(
      /@Cached on BadTemplateService\.find: bad "key": "\{x\}" .* is not a placeholder/,
    );
  });

  it('an unclosed brace', async () => {
    @Injectable()
    class UnclosedService {
      @Cached({ key: 'user:{0' })
      async find(_id: number) {
        return 1;
      }
    }
    await expect(bootstrap({ providers: [UnclosedService] })).rejects.toThrow(
      /UnclosedService\.find: .*unclosed/,
    );
  });

  it('an argument the method does not have', async () => {
    @Injectable()
    class MissingArgService {
      @Cached({ key: 'slots:{0}:{2}' })
      async slots(_barber: number, _date: string) {
        return [];
      }
    }
    await expect(bootstrap({ providers: [MissingArgService] })).rejects.toThrow(
      /MissingArgService\.slots: .*refers to argument 2, but there are 2 arguments/,
    );
  });

  it('a route template on a whole request, or past it', async () => {
    @Controller('bad')
    class BadRouteController {
      @Get(':id')
      @Cached({ key: 'item:{1}' })
      item() {
        return 1;
      }
    }
    await expect(bootstrap({ controllers: [BadRouteController] })).rejects.toThrow(
      /BadRouteController\.item: .*argument 1.*the request, e\.g\. \{0\.params\.id\}/,
    );
  });

  it('a namespace missing from the configured ones, and options that make no sense', async () => {
    @Injectable()
    class TypoService {
      @Cached({ namespace: 'availabilty' })
      async find() {
        return 1;
      }
    }
    await expect(
      bootstrap({ providers: [TypoService] }, { namespaces: { availability: { ttl: 60 } } }),
    ).rejects.toThrow(/TypoService\.find: unknown namespace "availabilty"/);

    @Injectable()
    class OptionsService {
      @Cached({ ttl: -1 })
      async a() {
        return 1;
      }
    }
    await expect(bootstrap({ providers: [OptionsService] })).rejects.toThrow(
      /OptionsService\.a: "ttl" must be/,
    );

    @Injectable()
    class PerUserService {
      @Cached({ perUser: true })
      async a() {
        return 1;
      }
    }
    await expect(bootstrap({ providers: [PerUserService] })).rejects.toThrow(
      /PerUserService\.a: .*route handlers only/,
    );

    @Injectable()
    class BadPatternService {
      @InvalidateOn({ patterns: ['a:[b'] })
      async a() {
        return 1;
      }
    }
    await expect(bootstrap({ providers: [BadPatternService] })).rejects.toThrow(
      /@InvalidateOn on BadPatternService\.a: bad pattern/,
    );
  });

  it('also with the cache disabled', async () => {
    @Injectable()
    class DisabledBadService {
      @Cached({ key: 'a:{x}' })
      async find() {
        return 1;
      }
    }
    await expect(
      bootstrap({ providers: [DisabledBadService] }, { enabled: false }),
    ).rejects.toThrow(/DisabledBadService\.find/);
  });

  it('while good templates, rest parameters and namespace-free setups boot', async () => {
    @Injectable()
    class GoodService {
      @Cached({ key: 'a:{0.id}:{1}', namespace: 'anything' })
      async a(_x: { id: number }, _y: string) {
        return 1;
      }

      @Cached({ key: 'b:{3}' })
      async b(..._args: unknown[]) {
        return 1;
      }
    }
    await expect(bootstrap({ providers: [GoodService] })).resolves.toBeUndefined();
  });
});

describe('providers the explorer cannot wrap', () => {
  it('a request-scoped provider boots, unwrapped, with a warning naming the method', async () => {
    @Injectable({ scope: Scope.REQUEST })
    class PerRequestService {
      @Cached()
      async find() {
        return 1;
      }
    }
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      await expect(bootstrap({ providers: [PerRequestService] })).resolves.toBeUndefined();
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/PerRequestService\.find.*request-scoped/),
      );
    } finally {
      warn.mockRestore();
    }
  });
});
