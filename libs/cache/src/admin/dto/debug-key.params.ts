import { ApiProperty } from '@nestjs/swagger';
import { IsCacheKey, MAX_KEY_LENGTH } from '../admin-input.rules';

export class DebugKeyParams {
  @ApiProperty({
    description: 'the key relative to the prefix, URL-encoded',
    maxLength: MAX_KEY_LENGTH,
  })
  @IsCacheKey()
  key!: string;
}
