import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CatalogService } from './catalog.service';
import { ServiceOfferingDto } from './dto/service-offering.dto';

@ApiTags('services')
@Controller('services')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  @ApiOkResponse({ type: [ServiceOfferingDto] })
  list(): Promise<ServiceOfferingDto[]> {
    return this.catalog.list();
  }
}
