import * as K from './keys'

export interface TimeFilter {
  /** Inclusive lower bound. */
  from?: string | Date
  /** Exclusive upper bound. */
  to?: string | Date
}

export function timeBounds (filter: TimeFilter): { from?: string, to?: string } {
  return {
    from: filter.from === undefined ? undefined : K.isoTime(filter.from, 'from time'),
    to: filter.to === undefined ? undefined : K.isoTime(filter.to, 'to time')
  }
}
