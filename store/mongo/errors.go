package mongo

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/mongo"

	"chorus/fault"
)

// transientCodes are server error codes that mean "the primary is changing
// or shutting down": the request may well succeed in a moment, so callers
// see fault.Unavailable rather than an internal error.
var transientCodes = []int{
	6,     // HostUnreachable
	7,     // HostNotFound
	89,    // NetworkTimeout
	91,    // ShutdownInProgress
	189,   // PrimarySteppedDown
	9001,  // SocketException
	10107, // NotWritablePrimary
	11600, // InterruptedAtShutdown
	11602, // InterruptedDueToReplStateChange
	13435, // NotPrimaryNoSecondaryOk
	13436, // NotPrimaryOrSecondary
}

// namespaceNotFound is MongoDB's error code for a collection that does not
// exist (NamespaceNotFound), which listIndexes answers for a new one.
const namespaceNotFound = 26

// translate gives a driver error its fault code. err already carries the
// operation as context (it is kept for logs); the message is client-safe.
func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return fault.Wrap(fault.NotFound, err, "record not found")
	case isDuplicate(err):
		return fault.Wrap(fault.Conflict, err, "a record with this id or unique value already exists")
	case unavailable(err):
		return fault.Wrap(fault.Unavailable, err, "the database is not reachable; try again later")
	default:
		return fault.Wrap(fault.Internal, err, "database error")
	}
}

// unavailable reports whether err means the deployment could not be reached
// or had no usable primary: server selection timed out, the network failed,
// the client was closed, or the primary was stepping down.
func unavailable(err error) bool {
	if mongo.IsTimeout(err) || mongo.IsNetworkError(err) ||
		errors.Is(err, mongo.ErrClientDisconnected) ||
		// The caller gave up (a client went away); not a fault of ours.
		errors.Is(err, context.Canceled) {
		return true
	}
	var le mongo.LabeledError
	if errors.As(err, &le) && (le.HasErrorLabel("RetryableWriteError") || le.HasErrorLabel("TransientTransactionError")) {
		return true
	}
	var se mongo.ServerError
	if errors.As(err, &se) {
		for _, code := range transientCodes {
			if se.HasErrorCode(code) {
				return true
			}
		}
	}
	return false
}

// duplicateKey marks an error the server did not report as a duplicate key
// but that a second look showed to be one.
type duplicateKey struct{ error }

func (d duplicateKey) Unwrap() error { return d.error }

// isDuplicate reports whether err is a refused duplicate id or unique value.
func isDuplicate(err error) bool {
	return mongo.IsDuplicateKeyError(err) || errors.As(err, new(duplicateKey))
}
