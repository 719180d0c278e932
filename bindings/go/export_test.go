package tcr

// EmulatorURLForExamples lets the external examples reach the emulator TestMain started.
func EmulatorURLForExamples() string { return emulatorURL }
