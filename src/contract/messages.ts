import type { Failure, FailureCode } from './codes.js';

/** What a person is told about one failure code. */
export interface CodeMessage {
  /** A few words, for a heading or a toast. */
  readonly title: string;
  /** One sentence saying what happened. */
  readonly message: string;
  /** One sentence saying what to do next, as a command line user does it (commands, flags, variables). */
  readonly action: string;
  /**
   * The same next step in the app's own terms (its screens and buttons), when `action` names a
   * command, a flag, an environment variable or a file that a person in the app acts on there
   * instead. The UI shows `uiActionFor(code)`.
   */
  readonly uiAction?: string;
}

/**
 * The one place where user-facing text for a code lives. `satisfies Record<FailureCode, …>`
 * makes the compiler fail when a code has no message.
 */
export const MESSAGES = {
  LICENSE_FILE_MALFORMED: {
    title: 'Not a license file',
    message: 'The file is not a well-formed license or machine file.',
    action: 'Check that you chose the .lic file your vendor sent, unchanged and complete.',
  },
  LICENSE_FILE_TOO_LARGE: {
    title: 'File too large',
    message: 'The file is larger than any genuine license file (1 MiB at most).',
    action: 'Choose the license file itself, not an archive or a folder of files.',
  },
  LICENSE_FILE_UNSUPPORTED_ALGORITHM: {
    title: 'Unsupported license file',
    message: 'The file uses a signing or encryption algorithm that this vendor does not allow.',
    action: 'Ask your vendor for a new license file for this product.',
  },
  LICENSE_FILE_NOT_GENUINE: {
    title: 'License file not genuine',
    message: "The file's signature does not match the vendor's public key: it was altered or issued by someone else.",
    action: 'Use the original file from your vendor; if it came unchanged, ask them for a new one.',
  },
  LICENSE_FILE_DECRYPTION_FAILED: {
    title: 'Cannot decrypt the license file',
    message: 'The file is genuine but could not be decrypted with this license key and machine.',
    action: 'Check the license key, and that the file was issued for this machine.',
  },
  LICENSE_FILE_KIND_MISMATCH: {
    title: 'Wrong kind of license file',
    message: 'The file says it is one kind of license file but contains another.',
    action: 'Ask your vendor for a new license file.',
  },
  FINGERPRINT_MISMATCH: {
    title: 'Issued for another machine',
    message: 'This machine file was issued for a different machine.',
    action: 'Request a machine file for this machine (tessera fingerprint shows its fingerprint).',
    uiAction: 'Ask your vendor for a machine file issued for this machine, then import it on the Offline files screen.',
  },
  LICENSE_FILE_ISSUED_IN_FUTURE: {
    title: 'Clock out of sync',
    message: "The file was issued later than this computer's clock says it is now.",
    action: "Correct this computer's date and time, then try again.",
  },
  LICENSE_FILE_EXPIRED: {
    title: 'License file expired',
    message: 'The license file has passed its expiry date.',
    action: 'Connect to renew it, or ask your vendor for a new file.',
  },
  CLOCK_ROLLED_BACK: {
    title: 'Clock set back',
    message: "This computer's clock is earlier than a time already seen by Tessera.",
    action: "Correct this computer's date and time, then try again.",
  },
  RESPONSE_SIGNATURE_MISSING: {
    title: 'Unsigned response',
    message: 'The licensing server sent a response without a signature.',
    action: 'Check that Tessera points at the right licensing server, and that no proxy alters its responses.',
  },
  RESPONSE_SIGNATURE_MALFORMED: {
    title: 'Unreadable response signature',
    message: "The licensing server's response signature could not be read.",
    action: 'Check that no proxy alters responses from the licensing server.',
  },
  RESPONSE_SIGNATURE_UNSUPPORTED_ALGORITHM: {
    title: 'Unexpected response signature',
    message: 'The licensing server signed its response with an algorithm other than the one expected.',
    action: "Check the vendor configuration's public key and server address.",
  },
  RESPONSE_SIGNATURE_INVALID: {
    title: 'Response not genuine',
    message: "The licensing server's response does not carry a valid signature from the vendor's key.",
    action: "Check the vendor configuration's public key, and that no proxy alters responses.",
  },
  RESPONSE_DIGEST_MISMATCH: {
    title: 'Response altered',
    message: 'The response body does not match the digest the licensing server signed.',
    action: 'Check that no proxy alters responses from the licensing server, then try again.',
  },
  RESPONSE_DATE_OUT_OF_WINDOW: {
    title: 'Stale or future response',
    message: "The response's date is more than 5 minutes away from this computer's clock.",
    action: "Correct this computer's date and time; if it is right, the response may be a replay.",
  },
  LICENSE_KEY_MALFORMED: {
    title: 'License key unreadable',
    message: 'The license key is not in the signed key format.',
    action: 'Copy the whole key again, from key/ to its end.',
  },
  LICENSE_KEY_NOT_GENUINE: {
    title: 'License key not genuine',
    message: "The license key's signature does not match the vendor's public key.",
    action: 'Copy the key again exactly as your vendor sent it.',
  },
  ACTIVATION_PROOF_MALFORMED: {
    title: 'Activation proof unreadable',
    message: 'The activation proof is not in the signed proof format.',
    action: 'Copy the whole proof again, from proof/ to its end.',
  },
  ACTIVATION_PROOF_NOT_GENUINE: {
    title: 'Activation proof not genuine',
    message: "The activation proof's signature does not match the vendor's RSA public key.",
    action: 'Copy the proof again exactly as the licensing server issued it.',
  },
  PUBLIC_KEY_INVALID: {
    title: 'Invalid public key',
    message: 'The public key is neither 64 hex characters (Ed25519) nor a PEM public key (ECDSA P-256 or RSA).',
    action: "Copy the vendor's public key again into the configuration.",
  },
  KEYCHAIN_UNAVAILABLE: {
    title: 'Keychain unavailable',
    message: "The operating system's keychain could not be reached, so secrets cannot be stored safely.",
    action:
      'On Linux, install and unlock a Secret Service keyring (gnome-keyring or KWallet); on macOS and Windows, sign in to your user session. On a machine with no keychain at all, set TESSERA_SECRET_STORE=file to keep secrets in a file that only you can read.',
    uiAction:
      'On Linux, install and unlock a Secret Service keyring (gnome-keyring or KWallet); on macOS and Windows, sign in to your user session. On a machine with no keychain at all, whoever set up Tessera can have it keep secrets in a file that only you can read.',
  },
  KEYCHAIN_TIMEOUT: {
    title: 'Keychain not answering',
    message: 'The keychain did not answer in time; it may be locked and waiting for a password prompt.',
    action: 'Unlock your keychain (log in to the desktop session), then try again.',
  },
  SECRET_FILE_UNUSABLE: {
    title: 'Secrets file unusable',
    message: "The file that holds Tessera's secrets on this machine (secrets/secrets.json in the data folder) cannot be read or written, is damaged, or can be read by other users.",
    action: 'Check that the data folder is yours and writable and that the file is readable by you only (chmod 600); or set TESSERA_SECRET_STORE=keychain to use the OS keychain.',
    uiAction:
      'Check that the data folder and the secrets file shown in Settings are yours and that the file is readable by you only; "Run checks" there shows which one fails.',
  },
  MACHINE_ID_UNAVAILABLE: {
    title: 'Machine identity unavailable',
    message: "This machine's identifier could not be read, so it cannot be fingerprinted.",
    action: 'On Linux, check that /etc/machine-id exists and is readable (systemd-machine-id-setup creates it).',
  },
  NOT_FOUND: {
    title: 'License key not recognised',
    message: 'The licensing server knows no license with this key.',
    action: 'Check the key for typos (copy and paste it from your purchase email), or contact your vendor.',
  },
  SUSPENDED: {
    title: 'License suspended',
    message: 'Your vendor has suspended this license.',
    action: 'Contact your vendor to have it reinstated.',
  },
  EXPIRED: {
    title: 'License expired',
    message: 'This license has expired.',
    action: 'Renew it with your vendor, then run "tessera renew".',
    uiAction: 'Renew it with your vendor, then press Renew on the Status screen.',
  },
  OVERDUE: {
    title: 'Check-in overdue',
    message: 'This license had to check in with the licensing server and missed its deadline.',
    action: 'Connect to the internet and run "tessera check-in".',
    uiAction: 'Connect to the internet, then press Check in on the Status screen.',
  },
  BANNED: {
    title: 'License owner banned',
    message: 'The user who owns this license has been banned by the vendor.',
    action: 'Contact your vendor.',
  },
  NO_MACHINE: {
    title: 'Not activated on this machine',
    message: 'This node-locked license has no machine activated yet.',
    action: 'Activate this machine with "tessera activate KEY".',
    uiAction: 'Activate this machine with its license key on the Activate screen.',
  },
  NO_MACHINES: {
    title: 'Not activated on this machine',
    message: 'This floating license has no machine activated yet.',
    action: 'Activate this machine with "tessera activate KEY".',
    uiAction: 'Activate this machine with its license key on the Activate screen.',
  },
  HEARTBEAT_NOT_STARTED: {
    title: 'Heartbeat not started',
    message: 'This license requires a heartbeat from this machine, and none has been sent yet.',
    action: 'Keep Tessera running while online so that it can send heartbeats.',
  },
  HEARTBEAT_DEAD: {
    title: 'Heartbeat lost',
    message: 'This machine stopped sending the heartbeats its license requires.',
    action: 'Connect to the internet and activate again with "tessera activate KEY".',
    uiAction: 'Connect to the internet and activate again on the Activate screen.',
  },
  TOO_MANY_MACHINES: {
    title: 'Too many machines',
    message: 'This license is activated on more machines than it allows.',
    action: 'Deactivate a machine you no longer use ("tessera seats list", then "tessera seats deactivate ID").',
    uiAction: 'Free the seat of a machine you no longer use on the Seats screen (select it, then "Deactivate selected").',
  },
  TOO_MANY_CORES: {
    title: 'Too many CPU cores',
    message: 'The machines on this license have more CPU cores in total than it allows.',
    action: 'Deactivate a machine, or ask your vendor for a larger license.',
  },
  TOO_MUCH_MEMORY: {
    title: 'Too much memory',
    message: 'The machines on this license have more memory in total than it allows.',
    action: 'Deactivate a machine, or ask your vendor for a larger license.',
  },
  TOO_MUCH_DISK: {
    title: 'Too much disk',
    message: 'The machines on this license have more disk in total than it allows.',
    action: 'Deactivate a machine, or ask your vendor for a larger license.',
  },
  TOO_MANY_PROCESSES: {
    title: 'Too many processes',
    message: 'More copies of the software are running than this license allows.',
    action: 'Close other running copies, then try again.',
  },
  TOO_MANY_USERS: {
    title: 'Too many users',
    message: 'This license has more users than it allows.',
    action: 'Ask your vendor or administrator to remove users from the license.',
  },
  PRODUCT_SCOPE_REQUIRED: {
    title: 'Product not specified',
    message: 'The licensing server requires the product to be named when validating this license.',
    action: 'Add "product" to the vendor configuration.',
  },
  PRODUCT_SCOPE_MISMATCH: {
    title: 'License for another product',
    message: 'This license key belongs to a different product.',
    action: 'Use the license key you received for this product.',
  },
  POLICY_SCOPE_REQUIRED: {
    title: 'Policy not specified',
    message: 'The licensing server requires the license policy to be named when validating.',
    action: 'Ask your vendor for an updated configuration.',
  },
  POLICY_SCOPE_MISMATCH: {
    title: 'License of another kind',
    message: 'This license belongs to a different license policy than the software expects.',
    action: 'Use the license key you received for this edition.',
  },
  USER_SCOPE_REQUIRED: {
    title: 'User not specified',
    message: 'This license must be validated for a named user.',
    action: 'Ask your vendor how to sign in for this license.',
  },
  USER_SCOPE_MISMATCH: {
    title: 'License of another user',
    message: 'This license is not assigned to the user it was checked for.',
    action: 'Use your own license key, or ask your administrator to assign this one to you.',
  },
  MACHINE_SCOPE_REQUIRED: {
    title: 'Machine not specified',
    message: 'The licensing server requires a machine to be named when validating.',
    action: 'Activate this machine with "tessera activate KEY".',
    uiAction: 'Activate this machine with its license key on the Activate screen.',
  },
  MACHINE_SCOPE_MISMATCH: {
    title: 'License not for this machine',
    message: 'This license is not activated for the machine it was checked for.',
    action: 'Activate this machine with "tessera activate KEY".',
    uiAction: 'Activate this machine with its license key on the Activate screen.',
  },
  FINGERPRINT_SCOPE_REQUIRED: {
    title: 'Machine fingerprint required',
    message: "The licensing server requires this machine's fingerprint when validating.",
    action: 'Activate again with "tessera activate KEY".',
    uiAction: 'Activate again with the license key on the Activate screen.',
  },
  FINGERPRINT_SCOPE_MISMATCH: {
    title: 'Not activated on this machine',
    message: 'This license is activated, but not on this machine.',
    action: 'Activate this machine with "tessera activate KEY", or deactivate another one first.',
    uiAction: 'Activate this machine on the Activate screen, or first free the seat of another machine on the Seats screen.',
  },
  FINGERPRINT_SCOPE_EMPTY: {
    title: 'Machine fingerprint missing',
    message: 'The validation request carried an empty fingerprint.',
    action: 'Run "tessera fingerprint" to check that this machine can be identified.',
    uiAction: "Copy the diagnostics on the Settings screen (they say whether this machine's fingerprint could be read) and send them to your vendor.",
  },
  COMPONENTS_SCOPE_REQUIRED: {
    title: 'Hardware components required',
    message: "The licensing server requires this machine's hardware components when validating.",
    action: 'Activate again with "tessera activate KEY".',
    uiAction: 'Activate again with the license key on the Activate screen.',
  },
  COMPONENTS_SCOPE_MISMATCH: {
    title: 'Hardware changed',
    message: "Not enough of this machine's hardware matches the machine that was activated.",
    action: 'Deactivate the old machine and activate this one.',
  },
  COMPONENTS_SCOPE_EMPTY: {
    title: 'Hardware components missing',
    message: 'The validation request carried no hardware components.',
    action: 'Run "tessera fingerprint" to check that this machine can be identified.',
    uiAction: "Copy the diagnostics on the Settings screen (they say whether this machine's fingerprint could be read) and send them to your vendor.",
  },
  ENTITLEMENTS_MISSING: {
    title: 'Feature not included',
    message: 'This license does not include a feature the software requires.',
    action: 'Ask your vendor to add the feature to your license.',
  },
  ENTITLEMENTS_SCOPE_EMPTY: {
    title: 'No features named',
    message: 'The validation request named an empty list of features.',
    action: 'Check "requiredEntitlements" in the vendor configuration.',
  },
  CHECKSUM_SCOPE_REQUIRED: {
    title: 'Release checksum required',
    message: "The licensing server requires the software release's checksum when validating.",
    action: 'Update the software to a release your vendor distributes.',
  },
  CHECKSUM_SCOPE_MISMATCH: {
    title: 'Release not covered',
    message: 'This license does not cover this build of the software.',
    action: 'Install a release your license covers, or ask your vendor.',
  },
  VERSION_SCOPE_REQUIRED: {
    title: 'Version required',
    message: 'The licensing server requires the software version when validating.',
    action: 'Update the software to a release your vendor distributes.',
  },
  VERSION_SCOPE_MISMATCH: {
    title: 'Version not covered',
    message: 'This license does not cover this version of the software.',
    action: 'Install a version your license covers, or ask your vendor to upgrade the license.',
  },
  MACHINE_LIMIT_EXCEEDED: {
    title: 'No seats left',
    message: 'This license is already activated on as many machines as it allows.',
    action: 'Deactivate a machine you no longer use ("tessera seats list --license KEY"), then activate again.',
    uiAction: 'Free the seat of a machine you no longer use on the Seats screen (enter this license key under "Use a license key" there), then activate again.',
  },
  MACHINE_CORE_LIMIT_EXCEEDED: {
    title: 'CPU core limit reached',
    message: "Activating this machine would exceed the license's limit on CPU cores.",
    action: 'Deactivate another machine, or ask your vendor for a larger license.',
  },
  MACHINE_MEMORY_LIMIT_EXCEEDED: {
    title: 'Memory limit reached',
    message: "Activating this machine would exceed the license's limit on memory.",
    action: 'Deactivate another machine, or ask your vendor for a larger license.',
  },
  MACHINE_DISK_LIMIT_EXCEEDED: {
    title: 'Disk limit reached',
    message: "Activating this machine would exceed the license's limit on disk.",
    action: 'Deactivate another machine, or ask your vendor for a larger license.',
  },
  FINGERPRINT_TAKEN: {
    title: 'Machine already activated elsewhere',
    message: 'This machine is already activated under another license.',
    action: 'Deactivate it there first, or keep using that license.',
  },
  MACHINE_HEARTBEAT_DEAD: {
    title: 'Machine heartbeat lost',
    message: 'The licensing server considers this machine dead because its heartbeats stopped.',
    action: 'Activate this machine again with "tessera activate KEY".',
    uiAction: 'Activate this machine again on the Activate screen.',
  },
  LICENSE_INVALID: {
    title: 'License key refused',
    message: 'The licensing server did not accept this license key.',
    action: 'Check the key (copy and paste it from your purchase email).',
  },
  LICENSE_SUSPENDED: {
    title: 'License suspended',
    message: 'Your vendor has suspended this license, so it cannot be used to activate machines.',
    action: 'Contact your vendor to have it reinstated.',
  },
  LICENSE_EXPIRED: {
    title: 'License expired',
    message: 'This license has expired and its policy revokes access on expiry.',
    action: 'Renew it with your vendor.',
  },
  LICENSE_BANNED: {
    title: 'License owner banned',
    message: 'The user who owns this license has been banned by the vendor.',
    action: 'Contact your vendor.',
  },
  LICENSE_NOT_ALLOWED: {
    title: 'License key sign-in not allowed',
    message: "This license's policy does not allow signing in with the license key.",
    action: 'Ask your vendor for a license token.',
  },
  TOKEN_INVALID: {
    title: 'Credentials refused',
    message: 'The licensing server did not accept the token.',
    action: 'Check the token, or create a new one.',
  },
  TOKEN_EXPIRED: {
    title: 'Token expired',
    message: 'The token has expired.',
    action: 'Create a new token and try again.',
  },
  TOKEN_NOT_ALLOWED: {
    title: 'Token not allowed',
    message: "This license's policy does not allow license tokens.",
    action: 'Use the license key instead.',
  },
  ACCESS_DENIED: {
    title: 'Not permitted',
    message: 'These credentials may not perform this action.',
    action: 'Use the license key of this license, or an administrator token.',
  },
  ACTIVATIONS_LIMIT_EXCEEDED: {
    title: 'Activation token used up',
    message: 'This activation token has already activated as many machines as it allows.',
    action: 'Ask your administrator for a new activation token.',
  },
  DEACTIVATIONS_LIMIT_EXCEEDED: {
    title: 'Deactivation limit reached',
    message: 'This token has already deactivated as many machines as it allows.',
    action: 'Ask your administrator to deactivate the machine.',
  },
  USES_LIMIT_EXCEEDED: {
    title: 'Usage limit reached',
    message: 'This license has been used as many times as it allows.',
    action: 'Ask your vendor for more uses.',
  },
  CHECK_IN_NOT_REQUIRED: {
    title: 'No check-in needed',
    message: 'This license does not require check-ins.',
    action: 'Nothing to do: the license stays valid without checking in.',
  },
  RESOURCE_NOT_FOUND: {
    title: 'Not found on the server',
    message: 'The licensing server does not know this license or machine (it may have been deactivated).',
    action: 'Run "tessera status" to see the current state, and activate again if needed.',
    uiAction: 'See the current state on the Status screen, and activate again if needed.',
  },
  REQUEST_REFUSED: {
    title: 'Request refused',
    message: 'The licensing server refused the request.',
    action: 'Check the details above; if they do not help, contact your vendor.',
  },
  ISSUER_UNREACHABLE: {
    title: 'Licensing server unreachable',
    message: 'The licensing server could not be reached.',
    action: 'Check your internet connection and proxy (HTTPS_PROXY), then try again; an activated machine keeps working offline meanwhile.',
    uiAction: 'Check your internet connection and the proxy shown in Settings, then try again; an activated machine keeps working offline meanwhile.',
  },
  ISSUER_RATE_LIMITED: {
    title: 'Too many requests',
    message: 'The licensing server asked Tessera to slow down.',
    action: 'Wait a minute, then try again.',
  },
  ISSUER_ERROR: {
    title: 'Licensing server error',
    message: 'The licensing server answered with an error.',
    action: 'Try again later; if it persists, contact your vendor.',
  },
  RESPONSE_MALFORMED: {
    title: 'Unreadable server response',
    message: "The licensing server's answer was not a valid JSON:API document.",
    action: 'Check that the vendor configuration points at the right server ("apiUrl").',
    uiAction: 'Check that the licensing API shown in Settings is the right server.',
  },
  RESPONSE_NONCE_MISMATCH: {
    title: 'Replayed response',
    message: "The server's answer does not carry the random nonce Tessera sent: it may be a replay of an older answer.",
    action: 'Check that no proxy or other software is intercepting the connection, then try again.',
  },
  RESPONSE_SCOPE_MISMATCH: {
    title: 'Response for another request',
    message: "The server's answer was for a different license, machine or product than Tessera asked about.",
    action: 'Check that no proxy or other software is intercepting the connection, then try again.',
  },
  NOT_ACTIVATED: {
    title: 'Not activated',
    message: 'No license is installed on this machine.',
    action: 'Activate with "tessera activate KEY", or import a license file with "tessera import FILE".',
    uiAction: 'Activate with a license key on the Activate screen, or import a license file on the Offline files screen.',
  },
  LICENSE_NOT_INSTALLED: {
    title: 'No such license',
    message: 'No installed license has this id.',
    action: 'Run "tessera licenses list" to see the installed licenses.',
    uiAction: 'Look at the installed licenses again (Status or Offline files screen): the list shows the ones on this machine now.',
  },
  LICENSE_KEY_REQUIRED: {
    title: 'License key needed',
    message: 'This license file is encrypted: its license key is needed to open it.',
    action: 'Enter the license key that came with the file (for example with --license-key -).',
    uiAction: 'Enter the license key that came with the file when the Offline files screen asks for it (import the file again if needed).',
  },
  OFFLINE_DEACTIVATION_UNAVAILABLE: {
    title: 'Cannot deactivate offline',
    message: 'Deactivating frees the seat on the licensing server, which cannot be reached now.',
    action: 'Connect to the internet and try again; the license stays installed meanwhile.',
  },
  CONFIG_NOT_FOUND: {
    title: 'Vendor configuration not found',
    message: 'The vendor configuration file named by --config or TESSERA_CONFIG does not exist.',
    action: 'Check the path, or leave it unset to use the embedded local issuer.',
  },
  CONFIG_INVALID: {
    title: 'Vendor configuration invalid',
    message: 'The vendor configuration file is not valid (it needs apiUrl, account, product and publicKey).',
    action: 'Fix the file, or copy the "config" object that the issuer prints on start.',
  },
  STATE_UNREADABLE: {
    title: 'Local license state unreadable',
    message: 'Tessera could not read its saved license state.',
    action: 'Import your license file again, or activate again; the damaged file was kept aside.',
  },
  ADMIN_CREDENTIALS_REQUIRED: {
    title: 'Credentials required',
    message: 'Listing or deactivating seats needs the license key or an administrator token.',
    action: 'Pass --license KEY (or set TESSERA_ADMIN_TOKEN), then try again.',
    uiAction: 'Enter the license key under "Use a license key" on the Seats screen, or sign in as administrator on the Licenses screen.',
  },
  INVALID_INPUT: {
    title: 'Request not understood',
    message: 'Tessera received a request it does not accept (a missing or malformed field).',
    action: 'Check what was entered and try again; if it keeps happening, copy the diagnostics from Settings and report it.',
  },
  SESSION_REQUIRED: {
    title: 'Sign-in needed',
    message: 'This browser tab is not signed in to Tessera. Each tab signs in with its own one-time login link; reloading a signed-in tab keeps it signed in.',
    action: 'Open an unused login link in this tab: the one "tessera serve --ui" printed, or a new one (run it again).',
    uiAction: 'Open an unused login link in this tab: the one printed where Tessera was started, or a new one (starting it again prints one).',
  },
  AGENT_UNREACHABLE: {
    title: 'Tessera is not running',
    message: 'The Tessera service behind this page did not answer.',
    action: 'Start it again (npm start, or tessera serve --ui), then reload this page.',
    uiAction: 'Start Tessera again on this computer, the way it was started before, then reload this page.',
  },
  CONFIG_OVERRIDE_REFUSED: {
    title: 'Configuration override refused',
    message: "This copy of the app ships its vendor's configuration; an override may change only the licensing server's address (apiUrl), never the public key, account or product.",
    action: 'Remove publicKey, account and product from the override (--config or TESSERA_CONFIG), or remove the override.',
    uiAction: 'Ask whoever set up Tessera to remove publicKey, account and product from the configuration override, or the override itself.',
  },
  MACHINE_FILE_REQUIRED: {
    title: 'Machine file needed',
    message: 'This license limits the machines it may run on, so a license file alone cannot license this machine.',
    action: 'Activate this machine online, or import the machine file your vendor issued for it (create an activation request on the Offline screen).',
  },
  LICENSE_FILE_NEVER_EXPIRES: {
    title: 'License file never expires',
    message: "The license file has no expiry date, and your vendor's configuration does not accept files that never expire.",
    action: 'Ask your vendor for a file with an expiry date, or renew online.',
  },
  LICENSE_FILE_LIFETIME_TOO_LONG: {
    title: 'License file lasts too long',
    message: "The license file's lifetime is longer than your vendor's configuration accepts for files used offline.",
    action: 'Renew online, or ask your vendor for a file with a shorter lifetime.',
  },
  CHECKOUT_TTL_MISMATCH: {
    title: 'Unexpected file lifetime',
    message: 'The licensing server returned a file whose lifetime is not the one Tessera asked for: something between here and the server may have changed the request.',
    action: 'Check that no proxy is rewriting requests, then try again.',
  },
  PRODUCT_MISMATCH: {
    title: 'License for another product',
    message: "The license file belongs to a different product than the one this app is licensed for.",
    action: "Check that you have the license for this product; your vendor's purchase email names it.",
  },
  CERTIFICATE_OLDER_THAN_INSTALLED: {
    title: 'Older than the installed file',
    message: 'This file was issued before the one already installed for the same license, so it would take the installed one back in time.',
    action: 'Keep the installed file; to refresh it, renew online or import a newer file.',
  },
  MACHINE_DEACTIVATED: {
    title: 'Seat released',
    message: "The licensing server no longer knows this machine: its seat was released (an administrator deactivated it, or its heartbeat stopped).",
    action: 'Activate this machine again to take a seat.',
  },
  STATE_TOO_NEW: {
    title: 'Made by a newer Tessera',
    message: "The saved license state was written by a newer version of Tessera; this version leaves it untouched rather than lose what it holds.",
    action: 'Update Tessera to the latest version.',
  },
  STATE_BUSY: {
    title: 'Another Tessera is busy',
    message: 'Another Tessera process (the app, the agent or a command) is changing the license state and did not finish in time.',
    action: 'Wait for it to finish, then try again.',
  },
  DATA_FOLDER_READ_ONLY: {
    title: 'Data folder read-only',
    message: "Tessera's data folder cannot be written (it is read-only, or belongs to another user).",
    action: 'Make the data folder writable for you (or set TESSERA_HOME to a folder that is), then try again; licensing decisions keep working meanwhile.',
    uiAction: 'Make the data folder shown in Settings writable for you, then try again; licensing decisions keep working meanwhile.',
  },
  DISK_FULL: {
    title: 'Disk full',
    message: "The disk holding Tessera's data folder is full.",
    action: 'Free some space, then try again; licensing decisions keep working meanwhile.',
  },
  DATA_FOLDER_UNUSABLE: {
    title: 'Data folder unusable',
    message: "Tessera's data folder could not be used (a file where a folder should be, or a failing disk).",
    action: 'Check the data folder (run "tessera doctor"), or set TESSERA_HOME to another folder.',
    uiAction: '"Run checks" in Settings says what is wrong with the data folder; fix it, or ask whoever set up Tessera to give it another folder.',
  },
  ACTIVATION_INCOMPLETE: {
    title: 'Activation not finished',
    message: 'A seat was taken on the licensing server but this machine could not finish installing its file; Tessera keeps a note and finishes or releases it on the next run.',
    action: 'Run the activation again once the problem is solved; no second seat is taken.',
  },
  DEACTIVATION_INCOMPLETE: {
    title: 'Deactivation not finished',
    message: 'This machine is no longer licensed here, but its seat could not be freed on the licensing server yet; Tessera frees it on the next run.',
    action: 'Connect to the internet and run "tessera deactivate" again (or leave Tessera running: it retries).',
    uiAction: 'Connect to the internet and keep Tessera running: it frees the seat on its own, and the notice on the Status screen goes away once it has.',
  },
  KEYCHAIN_LOCKED: {
    title: 'Keychain locked',
    message: 'The keychain is locked, so Tessera cannot read or store the license key.',
    action: 'Unlock your keychain (log in to the desktop session, or unlock it in your keyring manager), then try again.',
  },
  ISSUER_ANSWER_UNVERIFIABLE: {
    title: 'Answer not from the licensing server',
    message: 'Something answered in place of the licensing server (a gateway error, a captive-portal page or a cut-off reply), so the answer could not be verified and was not used.',
    action: 'Check your network (sign in to the Wi-Fi portal, or wait for the gateway), then try again; an activated machine keeps working offline meanwhile.',
  },
  TLS_CERTIFICATE_UNTRUSTED: {
    title: 'Certificate not trusted',
    message: "The licensing server's TLS certificate is issued by an authority this computer does not trust: a proxy may be intercepting TLS.",
    action: "If your network inspects TLS, add its root certificate with NODE_EXTRA_CA_CERTS=/path/to/root.pem; otherwise do not continue on this network.",
    uiAction:
      '"Run checks" in Settings shows who issued the certificate. If your network inspects TLS, whoever set up Tessera has to add that network\'s root certificate; otherwise do not continue on this network.',
  },
  TLS_CERTIFICATE_NAME_MISMATCH: {
    title: 'Certificate for another name',
    message: "The licensing server's TLS certificate was issued for a different name than the one Tessera connected to.",
    action: 'Check apiUrl in the vendor configuration and any proxy in use (HTTPS_PROXY).',
    uiAction: 'Check the licensing API and the proxy shown in Settings; "Run checks" there shows whom the certificate was issued to.',
  },
  TLS_CERTIFICATE_EXPIRED: {
    title: 'Certificate expired',
    message: "The licensing server's TLS certificate has expired, or this computer's clock is far off.",
    action: "Check this computer's date and time; if they are right, contact your vendor.",
  },
  TLS_HANDSHAKE_FAILED: {
    title: 'Secure connection failed',
    message: 'A secure (TLS) connection to the licensing server could not be set up.',
    action: 'Check the proxy in use (HTTPS_PROXY) and your network, then try again.',
    uiAction: 'Check the proxy shown in Settings and your network ("Run checks" there tests each step), then try again.',
  },
  UNAUTHORIZED: {
    title: 'Agent token required',
    message: 'A valid bearer token is required (Authorization: Bearer <token>; see the agent token file).',
    action: 'Send the token kept in the agent token file (agent/token in the data folder) as "Authorization: Bearer <token>".',
  },
  FORBIDDEN: {
    title: 'Not allowed with this token',
    message: 'This token does not have the scope this request needs.',
    action: 'Use a token with the scope named in the WWW-Authenticate header of the answer.',
  },
  HOST_NOT_ALLOWED: {
    title: 'Host not allowed',
    message: 'The agent answers only requests addressed to 127.0.0.1, localhost or [::1] on its own port.',
    action: 'Address the agent as http://127.0.0.1:PORT (or localhost, [::1]) directly, not through another name.',
  },
  ENDPOINT_NOT_FOUND: {
    title: 'No such endpoint',
    message: 'There is no such endpoint.',
    action: 'Check the path against the agent API in the README (GET /v1/license, GET /v1/licenses, …).',
  },
  METHOD_NOT_ALLOWED: {
    title: 'Method not allowed',
    message: 'This endpoint does not accept this method (see the Allow header).',
    action: 'Use one of the methods the Allow header lists.',
  },
  PAYLOAD_TOO_LARGE: {
    title: 'Request too large',
    message: 'The request body is larger than the agent accepts.',
    action: 'Send the license file itself (1 MiB at most), not an archive.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    title: 'Body must be JSON',
    message: 'Request bodies must be JSON (Content-Type: application/json).',
    action: 'Send the body as JSON with "Content-Type: application/json".',
  },
  INVALID_REQUEST: {
    title: 'Request not valid',
    message: 'The request is not valid.',
    action: 'Check the request against the agent API in the README; the answer names the field at fault.',
  },
  INVALID_ID: {
    title: 'Not a license id',
    message: 'The license id must be a UUID.',
    action: 'Use the id that GET /v1/licenses lists.',
  },
  LICENSE_ID_MISMATCH: {
    title: 'License file for another id',
    message: 'The certificate is for a different license than the id in the path.',
    action: "Send the certificate to the path of its own license's id, or use POST /v1/licenses.",
  },
  MACHINE_MISMATCH: {
    title: 'Not this machine',
    message: 'The confirming machine fingerprint is not the fingerprint of this machine.',
    action: 'Confirm with this machine\'s fingerprint ("tessera fingerprint" prints it).',
  },
  INTERNAL_ERROR: {
    title: 'Internal error',
    message: 'Tessera failed unexpectedly.',
    action: 'Try again; if it happens again, run the command with TESSERA_DEBUG=1 (or see the agent\'s log) and report what it shows to your vendor.',
    uiAction: 'Try again; if it happens again, copy the diagnostics on the Settings screen and send them to your vendor.',
  },
  CROSS_ORIGIN_REQUEST: {
    title: 'Request from another page',
    message: "The console's operations accept only requests from the console's own page (Sec-Fetch-Site: same-origin, or an Origin equal to the console's).",
    action: 'Use the console in its own browser tab; scripts use the agent token instead of the console session.',
  },
  CONSOLE_SESSION_UNBOUND: {
    title: 'Session of another tab',
    message: 'This console session belongs to another browser tab: each tab signs in with its own login link.',
    action: 'Run "tessera serve --ui" again for a new link, or mint one with POST /v1/console/login-links.',
    uiAction: 'Sign this tab in with its own unused login link (Tessera prints one where it was started; starting it again prints a new one).',
  },
  SIGNATURE_INVALID: {
    title: 'Signed request refused',
    message: 'The Tessera-HMAC signature does not hold for this token id, method, request target, time, nonce and body.',
    action: "Sign the exact request sent, with the token kept in the agent token file (see the README's example).",
  },
  SIGNATURE_EXPIRED: {
    title: 'Signed request too old',
    message: "The signed request's time (ts) is more than five minutes away from the agent's clock.",
    action: "Check this machine's clock, then sign the request again with the current time.",
  },
  SIGNATURE_REPLAYED: {
    title: 'Signed request replayed',
    message: 'This signed request was already received.',
    action: 'Sign each request with a new random nonce.',
  },
  TOO_MANY_SIGNED_REQUESTS: {
    title: 'Too many signed requests',
    message: 'The agent is remembering too many recent signed requests to accept another now.',
    action: 'Try again in a minute.',
  },
  // Administrator views (ADMIN_CODES).
  ADMIN_SIGN_IN_REQUIRED: {
    title: 'Administrator sign-in needed',
    message: 'This view needs an administrator or product token, and none is signed in.',
    action: 'Sign in with an admin or product token (Licenses screen, "tessera admin sign-in", or TESSERA_ADMIN_TOKEN).',
    uiAction: 'Sign in with an admin or product token on the Licenses screen.',
  },
  ADMIN_TOKEN_REFUSED: {
    title: 'Token not accepted',
    message: "The licensing server does not know this token for the configured account: it was revoked, mistyped, or belongs to another account.",
    action: 'Create a new admin or product token in this account and sign in with it.',
  },
  ADMIN_TOKEN_EXPIRED: {
    title: 'Token expired',
    message: 'The administrator token has passed its expiry date.',
    action: 'Create a new admin or product token and sign in again.',
  },
  ADMIN_TOKEN_NOT_ADMIN: {
    title: 'Not an administrator token',
    message: 'This token belongs to a license or a user, which may not manage other licenses.',
    action: 'Sign in with an admin token or a product token instead.',
  },
  ADMIN_TOKEN_OTHER_PRODUCT: {
    title: 'Token of another product',
    message: 'This product token belongs to a different product than the one Tessera is configured for.',
    action: "Sign in with a token of this product (see the vendor configuration's product), or an admin token.",
    uiAction: 'Sign in with a token of the product shown in Settings, or with an admin token.',
  },
  ADMIN_LICENSE_NOT_FOUND: {
    title: 'No such license',
    message: 'The licensing server has no license with this id that this token may see.',
    action: 'Check the id with "tessera licenses list --remote" (or the Licenses screen) and try again.',
    uiAction: 'Find the license on the Licenses screen and open its seats from there.',
  },
  EXPORT_INCOMPLETE: {
    title: 'Export stopped',
    message: 'The export stopped before every page was read, so nothing was written.',
    action: 'Fix the cause given in the details, then export again.',
  },
  EXPORT_WRITE_FAILED: {
    title: 'Export not written',
    message: 'The export could not be written to the file (folder missing, no permission, or disk full); no partial file was left.',
    action: 'Choose a folder you can write to with enough free space, then export again.',
  },
  AUDIT_LOG_UNUSABLE: {
    title: 'Audit log unusable',
    message: "The administrator views' folder (admin/ in the data folder: the audit log and the sign-in) cannot be written or read, and no administrator action runs unrecorded.",
    action: 'Check that the data folder is yours and writable and that the disk has space, then try again.',
  },
  BULK_JOB_NOT_FOUND: {
    title: 'No such bulk deactivation',
    message: 'This bulk deactivation is not known here (it finished long ago, or Tessera was restarted).',
    action: 'Reload the seats to see which ones remain, and start again if needed.',
  },
  BULK_JOB_RUNNING: {
    title: 'A bulk deactivation is running',
    message: 'Another bulk deactivation is still running; only one runs at a time.',
    action: 'Wait for it to finish, or cancel it, then start again.',
  },
  AIRGAP_FILE_MALFORMED: {
    title: 'Not a Tessera transfer file',
    message: 'The file is not a well-formed activation request, activation response or deactivation receipt.',
    action: 'Use the file exactly as Tessera wrote it; if it was copied by hand or edited, make it again.',
  },
  AIRGAP_FILE_TOO_LARGE: {
    title: 'Transfer file too large',
    message: 'The file is larger than any request, response or receipt Tessera writes.',
    action: 'Choose the .json file Tessera wrote, not an archive or another file.',
  },
  AIRGAP_FILE_UNSUPPORTED_VERSION: {
    title: 'Made by another Tessera version',
    message: 'The file was written in a format version this Tessera does not read.',
    action: 'Update Tessera on both machines to the same version, then make the file again.',
  },
  AIRGAP_FILE_NOT_REGULAR: {
    title: 'Not a plain file',
    message: 'The path is a symbolic link, a pipe, a device or a folder, so it was not read.',
    action: 'Copy the file itself onto the drive, not a link to it.',
  },
  AIRGAP_FILE_UNREADABLE: {
    title: 'File cannot be read',
    message: 'The file could not be opened or read (permissions, a removed drive, or text that is not UTF-8).',
    action: 'Check that the drive is still inserted and that the file is readable, then try again.',
  },
  AIRGAP_FILE_NOT_GENUINE: {
    title: 'Transfer file not genuine',
    message: "The file's signature does not match the machine key it names: it was altered or forged.",
    action: 'Make the request or receipt again on the air-gapped machine and carry it over unchanged.',
  },
  AIRGAP_FILE_WRONG_STEP: {
    title: 'Not for this step',
    message: 'This file belongs on the other side: requests and receipts are fulfilled on a connected machine, responses and license files are imported on the air-gapped one.',
    action: 'Take the file to the other machine (Fulfil requests on the connected one, Offline files on the air-gapped one).',
  },
  AIRGAP_REQUEST_EXPIRED: {
    title: 'Request too old',
    message: 'The activation request was made more than 30 days ago.',
    action: 'Create a new activation request on the air-gapped machine.',
  },
  AIRGAP_FILE_FROM_FUTURE: {
    title: 'Made in the future',
    message: "The file is dated more than 5 minutes after this computer's clock.",
    action: "Correct the date and time of the machine that made it (or of this one), then make the file again.",
  },
  AIRGAP_PRODUCT_MISMATCH: {
    title: 'Request for another product',
    message: "The file was made for another licensing account or product than this Tessera's vendor configuration.",
    action: 'Fulfil it with the Tessera of the product it names, or make the request again with the right product.',
  },
  AIRGAP_MACHINE_KEY_MISMATCH: {
    title: 'Machine key does not match',
    message: 'The licensing server has another machine key registered for this machine than the one that signed the file.',
    action: 'If the machine was reinstalled, deactivate its old seat ("tessera seats deactivate ID"), then fulfil a new request.',
    uiAction: 'If the machine was reinstalled, deactivate its old seat on the Seats screen, then fulfil a new request.',
  },
  AIRGAP_MACHINE_KEY_MISSING: {
    title: 'No machine key registered',
    message: 'The licensing server has no machine key registered for this machine, so its receipt cannot be checked.',
    action: 'Deactivate the seat as an administrator ("tessera seats deactivate ID").',
    uiAction: 'Deactivate the seat as an administrator on the Seats screen.',
  },
  AIRGAP_MACHINE_UNKNOWN: {
    title: 'Machine not found',
    message: 'The licensing server knows no machine with the id in this receipt, and this Tessera never deactivated it.',
    action: 'Check that the receipt belongs to this product and license; if the seat was freed elsewhere, nothing is left to do.',
  },
  AIRGAP_RECEIPT_MISMATCH: {
    title: 'Receipt for another machine',
    message: "The receipt's license or fingerprint does not match the machine the licensing server has under that id.",
    action: 'Make the receipt again on the air-gapped machine and carry it over unchanged.',
  },
  AIRGAP_NOT_A_MACHINE_LICENSE: {
    title: 'No seat to give back',
    message: 'The active license is a license file, not a machine activation, so no seat on the server belongs to this machine.',
    action: 'Remove it with "tessera licenses remove ID" if it is no longer needed.',
    uiAction: 'Remove it on the Offline files screen if it is no longer needed.',
  },
  AIRGAP_OUTPUT_UNWRITABLE: {
    title: 'Cannot write the file',
    message: 'The response, receipt or request could not be written (a full, read-only or removed drive, or no permission).',
    action: 'Check the drive or folder, or choose another with --out, then try again.',
    uiAction: 'Check the drive or folder, or choose another, then try again.',
  },
  FULFIL_CREDENTIALS_REQUIRED: {
    title: 'Credentials required',
    message: 'Fulfilling needs the license key, an administrator token, or a request that carries its license key.',
    action: 'Pass --license-key - (or set TESSERA_LICENSE_KEY), or set TESSERA_ADMIN_TOKEN with --license-id ID.',
    uiAction: 'Enter the license key, or sign in as an administrator on the Licenses screen, then fulfil again.',
  },
  MACHINE_ALREADY_DEACTIVATED: {
    title: 'Already deactivated',
    message: 'This machine was already deactivated with this receipt: its seat is free.',
    action: 'Nothing to do.',
  },
  DRIVE_NOT_FOUND: {
    title: 'Drive not found',
    message: 'The removable drive is no longer mounted.',
    action: 'Insert the drive again and wait until it is shown, then try again.',
  },
} as const satisfies Record<FailureCode, CodeMessage>;

/** The user-facing message for a code. */
export function messageFor(code: FailureCode): CodeMessage {
  return MESSAGES[code];
}

/** The next step as the app shows it: `uiAction` when the code has one, else `action`. */
export function uiActionFor(code: FailureCode): string {
  const text: CodeMessage = MESSAGES[code];
  return text.uiAction ?? text.action;
}

/** Builds the failure value for a code, with its one user-facing sentence. */
export function fail<C extends FailureCode>(code: C): Failure<C> {
  return { ok: false, code, message: MESSAGES[code].message };
}
