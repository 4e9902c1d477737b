import { Body, Controller, Delete, Get, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AppointmentsService } from './appointments.service';
import { AppointmentDto, RescheduledAppointmentDto } from './dto/appointment.dto';
import { BookAppointmentDto } from './dto/book-appointment.dto';
import { RescheduleAppointmentDto } from './dto/reschedule-appointment.dto';

@ApiTags('appointments')
@Controller('appointments')
export class AppointmentsController {
  constructor(private readonly appointments: AppointmentsService) {}

  @Post()
  @ApiCreatedResponse({ type: AppointmentDto })
  @ApiBadRequestResponse({ description: 'invalid body, in the past, or outside working hours' })
  @ApiNotFoundResponse({ description: 'unknown barber or service' })
  @ApiConflictResponse({ description: 'the barber is busy at that time' })
  book(@Body() dto: BookAppointmentDto): Promise<AppointmentDto> {
    return this.appointments.book(dto);
  }

  @Get(':id')
  @ApiOkResponse({ type: AppointmentDto })
  @ApiNotFoundResponse()
  get(@Param('id', ParseIntPipe) id: number): Promise<AppointmentDto> {
    return this.appointments.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: RescheduledAppointmentDto })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'the new time is taken, or the appointment is cancelled' })
  reschedule(
    @Param('id', ParseIntPipe) id: number,
    @Body() dto: RescheduleAppointmentDto,
  ): Promise<RescheduledAppointmentDto> {
    return this.appointments.reschedule(id, dto);
  }

  @Delete(':id')
  @ApiOkResponse({ type: AppointmentDto, description: 'the appointment, now cancelled' })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'already cancelled' })
  cancel(@Param('id', ParseIntPipe) id: number): Promise<AppointmentDto> {
    return this.appointments.cancel(id);
  }
}
