// Public face of the reservation book (R-6.3.1: OCPP immediate reservation).
export { ReservationBook, type ReservationBookDeps, type ReservationBookOptions, type ReservationNeeds, type ReservationRequest } from './book.ts';
