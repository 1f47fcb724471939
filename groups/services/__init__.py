"""Write actions. Each is one transaction, writes its audit event, and raises
groups.errors.RollcallError subclasses with a sentence a person can read."""
