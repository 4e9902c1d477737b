import { ApiProperty } from '@nestjs/swagger';
import { IsCacheKey, MAX_KEY_LENGTH } from '../admin-input.rules';

export class UserIdParams {
  @ApiProperty({
    description: 'the user id, as `http.userId` returns it for per-user routes (URL-encoded)',
    maxLength: MAX_KEY_LENGTH,
    example: '42',
  })
  @IsCacheKey()
  id!: string;
}
