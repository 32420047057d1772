/** Journey libraries shared by the API and the worker: shipped default journeys, holiday calendars, diff, preview, simulation and the publish notification. */
export * from './default-journeys';
export * from './holidays';
export * from './diff';
export * from './preview';
export * from './simulation';
export * from './notify-published';
