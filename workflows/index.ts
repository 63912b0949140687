// Every workflow the workers register.
export { stackCheck } from './stack-check';
