import {
  BadRequestException,
  Controller,
  Get,
  Headers,
  Injectable,
  NotFoundException,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Cached, InvalidateOn } from '@app/cache';

interface Req {
  params: Record<string, string>;
  user?: { id: string };
}

/** Counts real handler runs by name, so a test can tell a cached answer from a fresh one. */
class Counting {
  readonly calls: Record<string, number> = {};

  protected count(name: string): number {
    return (this.calls[name] = (this.calls[name] ?? 0) + 1);
  }
}

@Controller('items')
export class ItemsController extends Counting {
  @Get('text')
  @Cached()
  text(): string {
    return `plain ${this.count('text')}`;
  }

  @Get('list')
  @Cached({ vary: { query: ['page'] } })
  list(@Query('page') page = '1') {
    return { page, run: this.count('list') };
  }

  @Get('search')
  @Cached()
  search(@Query() query: Record<string, string>) {
    return { query, run: this.count('search') };
  }

  @Get('greeting')
  @Cached({ vary: { headers: ['accept-language'] } })
  greeting(@Headers('accept-language') language = 'en') {
    return { text: language.startsWith('fr') ? 'bonjour' : 'hello', run: this.count('greeting') };
  }

  @Get('fresh')
  @Cached({ ttl: 1, staleWhileRevalidate: 60 })
  fresh() {
    return { run: this.count('fresh') };
  }

  @Get('named/:name')
  @Cached({ key: 'named:{0.params.name}' })
  named(@Param('name') name: string) {
    return { name, run: this.count('named') };
  }

  /** answers by itself: nothing to cache, and no header may be added after it */
  @Get('raw')
  @Cached()
  raw(@Res() res: { send(body: unknown): void }) {
    res.send({ raw: this.count('raw') });
  }

  @Get('missing/:id')
  @Cached()
  missing(@Param('id') id: string) {
    this.count('missing');
    throw new NotFoundException(`no item ${id}`);
  }

  @Get(':id')
  @Cached({
    namespace: 'items',
    key: 'item:{0.params.id}',
    tags: (req: Req) => [`item:${req.params.id}`],
  })
  item(@Param('id') id: string) {
    return { id, name: `item ${id}`, run: this.count(`item:${id}`) };
  }

  @Post(':id')
  @Cached()
  touch(@Param('id') id: string) {
    return { id, run: this.count('touch') };
  }

  @Post(':id/rename')
  @InvalidateOn({ tags: (req: Req, result: { id: string }) => [`item:${result.id}`] })
  rename(@Param('id') id: string) {
    this.count('rename');
    return { id };
  }

  @Post(':id/fail')
  @InvalidateOn({ tags: (req: Req) => [`item:${req.params.id}`] })
  fail() {
    throw new BadRequestException('refused');
  }
}

/** Stands in for authentication: `x-user-id` becomes `req.user`. */
@Injectable()
export class HeaderUserGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string>; user?: unknown }>();
    const id = req.headers['x-user-id'];
    if (id) req.user = { id };
    return true;
  }
}

@Controller('me')
@UseGuards(HeaderUserGuard)
export class AccountController extends Counting {
  @Get('orders')
  @Cached({ perUser: true })
  orders(@Req() req: Req) {
    const user = req.user?.id ?? null;
    return { user, orders: user ? [`order-of-${user}`] : [], run: this.count(String(user)) };
  }
}

@Controller('appointments')
export class AppointmentsController extends Counting {
  @Get(':id')
  @Cached({ tags: (req: Req) => [`appointment:${req.params.id}`] })
  get(@Param('id') id: string) {
    return { id, run: this.count(id) };
  }

  @Put(':id')
  update(@Param('id') id: string, @Query('fail') fail?: string) {
    if (fail) throw new BadRequestException('cannot update');
    return { id };
  }

  @Post()
  create() {
    return { created: true };
  }
}
