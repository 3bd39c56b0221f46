export { createRendezvousForwarder } from './rendezvous-forwarder.ts'
export type {
  RendezvousDelivery, RendezvousDeliveryMessage, RendezvousForwarder, RendezvousForwarderDeps, RendezvousForwarderOptions,
  RendezvousVisibility
} from './rendezvous-forwarder.ts'
