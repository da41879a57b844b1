// Command standin is a tiny main package that the lambdabuild tests compile in place of a handler.
package main

func main() {}
