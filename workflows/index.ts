// The worker bundles this file: every workflow Candor runs is exported here.
export { candidateJourney } from './candidate-journey';
export { journeyErasure } from './journey-erasure';
