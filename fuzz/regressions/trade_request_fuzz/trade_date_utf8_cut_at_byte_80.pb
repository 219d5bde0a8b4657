
Ü
É
T1
TKF-202612àﬁæ 
*CM01-H2CM02-H:Rxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx√©yB¨êÿ