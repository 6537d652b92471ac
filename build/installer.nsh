; Included by electron-builder's NSIS installer (nsis.include in electron-builder.yml).
;
; Registers Plexe Desktop under "Open with" for .csv files WITHOUT making it the default program:
; electron-builder's own fileAssociations would set the .csv default, taking it away from Excel.
; The app receives the file path as its first argument and starts a bulk import.

!define PLEXE_CSV_PROGID "PlexeDesktop.csv"

!macro customInstall
  WriteRegStr SHELL_CONTEXT "Software\Classes\${PLEXE_CSV_PROGID}" "" "CSV spreadsheet"
  WriteRegStr SHELL_CONTEXT "Software\Classes\${PLEXE_CSV_PROGID}" "FriendlyTypeName" "CSV spreadsheet"
  WriteRegStr SHELL_CONTEXT "Software\Classes\${PLEXE_CSV_PROGID}\DefaultIcon" "" "$appExe,0"
  WriteRegStr SHELL_CONTEXT "Software\Classes\${PLEXE_CSV_PROGID}\shell\open" "FriendlyAppName" "${PRODUCT_NAME}"
  WriteRegStr SHELL_CONTEXT "Software\Classes\${PLEXE_CSV_PROGID}\shell\open\command" "" '"$appExe" "%1"'
  WriteRegStr SHELL_CONTEXT "Software\Classes\.csv\OpenWithProgids" "${PLEXE_CSV_PROGID}" ""
  WriteRegStr SHELL_CONTEXT "Software\Classes\Applications\${APP_EXECUTABLE_FILENAME}\SupportedTypes" ".csv" ""
  WriteRegStr SHELL_CONTEXT "Software\Classes\Applications\${APP_EXECUTABLE_FILENAME}\shell\open\command" "" '"$appExe" "%1"'
  ; SHCNE_ASSOCCHANGED: let Explorer pick the change up without a sign-out.
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
!macroend

!macro customUnInstall
  DeleteRegValue SHELL_CONTEXT "Software\Classes\.csv\OpenWithProgids" "${PLEXE_CSV_PROGID}"
  DeleteRegKey SHELL_CONTEXT "Software\Classes\${PLEXE_CSV_PROGID}"
  DeleteRegKey SHELL_CONTEXT "Software\Classes\Applications\${APP_EXECUTABLE_FILENAME}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
!macroend
