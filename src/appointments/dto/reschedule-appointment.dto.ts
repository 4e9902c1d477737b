import { PickType } from '@nestjs/swagger';
import { BookAppointmentDto } from './book-appointment.dto';

/** A new day and time for the same barber and service. */
export class RescheduleAppointmentDto extends PickType(BookAppointmentDto, ['date', 'time']) {}
