import { ClearQueryDto } from './clear-query.dto';

/** POST clear takes in its body what DELETE clear takes in its query string. */
export class ClearBodyDto extends ClearQueryDto {}
