import { CodedError } from '../util'

export type ConfigErrorCode =
  | 'INVALID_VALUE' // a variable, flag or file field is present but malformed
  | 'BAD_FILE' // the config file cannot be read or is not a JSON object
  | 'UNKNOWN_FIELD' // the config file names a field that does not exist (likely a typo)
  | 'SECRET_IN_FILE' // the sealer key must come from the environment or a keystore

export class ConfigError extends CodedError<ConfigErrorCode> {}
