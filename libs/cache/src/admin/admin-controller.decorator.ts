import {
  applyDecorators,
  Controller,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
  ValidationPipe,
} from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AdminAuthGuard } from './admin-auth.guard';
import { AdminBodyLimitInterceptor } from './admin-body-limit.interceptor';
import { AdminExceptionFilter } from './admin-exception.filter';

/**
 * What every admin endpoint shares: the token or guard, the body size limit, whitelisted DTOs
 * (an unknown field is a 400, never silently dropped) and the filter that answers a client's
 * mistake with a 4xx. Mounted at `admin.path` by admin-api.ts.
 */
export function AdminController(): ClassDecorator {
  return applyDecorators(
    ApiTags('cache admin'),
    ApiBearerAuth(),
    ApiResponse({ status: 401, description: 'missing or wrong bearer token' }),
    ApiResponse({
      status: 403,
      description: 'refused by admin.guard, or neither admin.token nor admin.guard is configured',
    }),
    Controller('cache'),
    UseGuards(AdminAuthGuard),
    UseInterceptors(AdminBodyLimitInterceptor),
    UsePipes(
      new ValidationPipe({
        whitelist: true,
        forbidNonWhitelisted: true,
        transform: true,
        validationError: { target: false, value: false },
      }),
    ),
    UseFilters(AdminExceptionFilter),
  );
}
