import { Controller, Get, Param, ParseIntPipe } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Cached } from '@app/cache';
import { barberTag, type RouteRequest } from '../common/cache-tags.helper';
import { BarberDto } from './dto/barber.dto';
import { BarbersService } from './barbers.service';

@ApiTags('barbers')
@Controller('barbers')
export class BarbersController {
  constructor(private readonly barbers: BarbersService) {}

  /** The shop's roster changes rarely: the whole HTTP answer is cached for an hour. */
  @Get()
  @Cached({ namespace: 'barbers' })
  @ApiOkResponse({ type: [BarberDto] })
  list(): Promise<BarberDto[]> {
    return this.barbers.list();
  }

  @Get(':id')
  @Cached({ namespace: 'barbers', tags: (req: RouteRequest) => [barberTag(Number(req.params.id))] })
  @ApiOkResponse({ type: BarberDto })
  @ApiNotFoundResponse({ description: 'no such barber' })
  get(@Param('id', ParseIntPipe) id: number): Promise<BarberDto> {
    return this.barbers.get(id);
  }
}
