import { Controller, Get, Param, ParseIntPipe, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Cached } from '@app/cache';
import { availabilityTags, type RouteRequest } from '../common/cache-tags.helper';
import { AvailabilityService } from './availability.service';
import { AvailabilityQueryDto } from './dto/availability-query.dto';
import { AvailabilityDto } from './dto/availability.dto';

@ApiTags('availability')
@Controller('barbers')
export class AvailabilityController {
  constructor(private readonly availability: AvailabilityService) {}

  /**
   * Cached twice on purpose: this route entry holds the HTTP answer (X-Cache, ETag and 304 for
   * polling clients), the service entry holds the computation (warmed at startup, shared with
   * any other caller). Both carry the same tags, so one booking drops both.
   */
  @Get(':id/availability')
  @Cached({
    namespace: 'availability',
    // only `date` shapes the answer: other query parameters must not split or flood the cache
    vary: { query: ['date'] },
    tags: (req: RouteRequest) => availabilityTags(Number(req.params.id), String(req.query.date)),
  })
  @ApiOkResponse({ type: AvailabilityDto })
  @ApiNotFoundResponse({ description: 'no such barber' })
  get(
    @Param('id', ParseIntPipe) id: number,
    @Query() query: AvailabilityQueryDto,
  ): Promise<AvailabilityDto> {
    return this.availability.slots(id, query.date);
  }
}
