// Package motoserver runs moto (an AWS API emulator, `moto_server`) for the integration tests of the
// runtime tools: sce upload, sce audit report, sce closeout, the worker, the upload-ledger function and
// the airlock's CLI and release function (docs/testing.md). A test
// package starts one server in its TestMain and each test takes its own buckets, keys, queues and tables
// from it under unique names, so tests neither share state nor wait for a server of their own:
//
//	var moto *motoserver.Server
//
//	func TestMain(m *testing.M) { os.Exit(motoserver.Main(m, &moto)) }
//
//	func TestSomethingAgainstTheEmulator(t *testing.T) {
//		srv := moto.Need(t) // skips, or fails under CI, when moto_server is not installed
//		client := motoserver.S3(srv.Config()) // path-style addressing, the administrator's key
//		...
//	}
//
// The server listens on a free port of 127.0.0.1 and stops when the tests end; its log is kept in a
// temporary file and printed when a test failed.
//
// Without moto_server on PATH the emulator tests skip with one line saying how to install it (`pip
// install 'moto[server]'==5.2.1`), unless the environment asks for them: SCE_REQUIRE_MOTO=1 (which
// .ci/run sets) or CI set to anything but "", "false" or "0", as CI services do. Then a missing
// moto_server fails the package.
//
// IAM. Right after it starts, the server gets an administrator (an IAM user allowed everything) whose
// access key every client of Config signs with. A test that needs AccessDenied calls EnforceIAM, which
// makes moto authenticate and authorise every request until the test ends (or it is stopped), and
// makes a user of its own with the policy it wants (User), calling AWS with that user's credentials as
// a role with that policy would. moto judges identity policies only (not bucket policies or key policies); EnforceIAM lists
// what else it cannot judge.
//
// What moto cannot produce, the Proxy adds: a server in front of moto that records the requests and,
// for the ones a Fault matches, answers in moto's place (503 SlowDown, ThrottlingException, a closed
// connection), alters the request, or changes moto's answer, so that the tools' handling of throttling
// and retries is tested through the SDK's own retryer; SetLatency adds a round trip's delay to every
// request, for benchmarks of concurrent readers. Env and SetEnv point the SDK's default
// configuration and the AWS CLI at the server, for commands tested as they run.
//
// Events as the functions receive them: StreamTable makes a table with its stream on, and Stream reads
// it as Lambda's event source mapping does, handing the records over as the events.DynamoDBEvent the
// function gets; Topic subscribes a queue to a topic, so that a test reads what was published as a
// subscriber receives it.
package motoserver
