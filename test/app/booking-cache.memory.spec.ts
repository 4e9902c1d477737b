import { describeBookingCache } from './booking-cache.scenarios';

describeBookingCache('memory');
