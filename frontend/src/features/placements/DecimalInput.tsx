// Mantine's NumberInput holding a decimal string (as the API sends and takes it): the language's decimal
// separator on screen, a plain "12.50" in state, never a float.
import { NumberInput, type NumberInputProps } from "@mantine/core";

import { useLanguage } from "../../i18n";

export function DecimalInput({
  value,
  onChange,
  ...props
}: Omit<NumberInputProps, "value" | "onChange" | "onValueChange"> & { value: string; onChange: (value: string) => void }) {
  const { language } = useLanguage();
  return (
    <NumberInput
      {...props}
      value={value}
      valueIsNumericString
      decimalSeparator={language === "nl" ? "," : "."}
      decimalScale={2}
      allowNegative={false}
      hideControls
      onValueChange={(payload, source) => {
        if (source.source === "event") onChange(payload.value);
      }}
    />
  );
}
